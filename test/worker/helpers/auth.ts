import type { Role } from "../../../schema/tables.ts";
import { api_tokens } from "../../../schema/tables.ts";
import { generateToken, hashToken, newTokenId } from "../../../worker/auth/tokens.ts";
import { testDb } from "./factories.ts";

export type TestToken = { token: string; id: string; header: { Authorization: string } };

export async function createToken(role: Role, operatorId: string | null = null, label = "test"): Promise<TestToken> {
  const token = generateToken();
  const id = newTokenId();
  await testDb()
    .insert(api_tokens)
    .values({ id, token_hash: await hashToken(token), role, operator_id: operatorId, label, created_by: "test" });
  return { token, id, header: { Authorization: `Bearer ${token}` } };
}
