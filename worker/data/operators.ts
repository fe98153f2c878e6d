import { eq } from "drizzle-orm";
import { operators } from "../../schema/tables.ts";
import type { Db } from "../env.ts";
import { ApiError } from "../errors.ts";

export async function assertOperatorExists(db: Db, id: string): Promise<void> {
  const [row] = await db.select({ id: operators.id }).from(operators).where(eq(operators.id, id));
  if (row) return;
  const known = await db.select({ id: operators.id }).from(operators).orderBy(operators.id);
  throw new ApiError({
    status: 422,
    code: "unknown-operator",
    title: "Unknown operator",
    detail: `There is no operator '${id}'; the operators are ${known.map((o) => o.id).join(", ")}.`,
  });
}
