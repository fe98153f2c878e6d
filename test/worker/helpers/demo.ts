import { env } from "cloudflare:workers";
import { demoStatements } from "../../../demo/sql.ts";

let statements: string[] | undefined;

// Loads the demo province through the same statements `npm start` writes to
// local D1. Generation is deterministic, so it is done once per test file.
export async function seedDemo(): Promise<void> {
  statements ??= demoStatements();
  await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
}
