import { asc, eq } from "drizzle-orm";
import { api_tokens, type Role } from "../../schema/tables.ts";
import { generateToken, hashToken, newTokenId } from "../auth/tokens.ts";
import type { Db } from "../env.ts";
import { notFound } from "../errors.ts";

export type TokenRow = Omit<typeof api_tokens.$inferSelect, "token_hash">;

const publicColumns = {
  id: api_tokens.id,
  role: api_tokens.role,
  operator_id: api_tokens.operator_id,
  label: api_tokens.label,
  created_by: api_tokens.created_by,
  created_at: api_tokens.created_at,
  revoked_at: api_tokens.revoked_at,
  last_used_at: api_tokens.last_used_at,
};

// The new token's row and secret, and its unexecuted insert for the caller's
// batch. Only the hash reaches the database.
export async function newToken(
  db: Db,
  input: { role: Role; operator_id: string | null; label: string; created_by: string; at: string },
) {
  const secret = generateToken();
  const row: TokenRow = {
    id: newTokenId(),
    role: input.role,
    operator_id: input.operator_id,
    label: input.label,
    created_by: input.created_by,
    created_at: input.at,
    revoked_at: null,
    last_used_at: null,
  };
  return { row, secret, insert: db.insert(api_tokens).values({ ...row, token_hash: await hashToken(secret) }) };
}

export function listTokens(db: Db): Promise<TokenRow[]> {
  return db.select(publicColumns).from(api_tokens).orderBy(asc(api_tokens.created_at), asc(api_tokens.id));
}

export async function getToken(db: Db, id: string): Promise<TokenRow> {
  const [row] = await db.select(publicColumns).from(api_tokens).where(eq(api_tokens.id, id));
  if (!row) throw notFound("token", id);
  return row;
}
