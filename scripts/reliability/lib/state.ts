// Local D1 state for the reliability scripts: a seeded demo province with
// tokens, prepared once and copied for each scenario, and SQL against it while
// no server holds it.
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateToken, hashToken, newTokenId } from "../../../worker/auth/tokens.ts";
import { runWrangler } from "../../lib/wrangler.ts";
import { seed } from "../../seed.ts";

export type Row = Record<string, string | number | null>;

export type Tokens = { admin: string; viettel: string; vinaphone: string; mobifone: string };

const TOKENS_FILE = "reliability-tokens.json";

export async function sql(persistTo: string, command: string): Promise<Row[][]> {
  const { stdout } = await runWrangler(
    ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--json", "--command", command],
    { capture: true },
  );
  const parsed = JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{ results?: Row[] }>;
  return parsed.map((r) => r.results ?? []);
}

export async function sqlFile(persistTo: string, file: string): Promise<void> {
  await runWrangler(["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--yes", "--file", file], {
    capture: true,
  });
}

const literal = (v: string | null) => (v === null ? "NULL" : `'${v.replaceAll("'", "''")}'`);

// The demo province plus one department token and three operators' tokens.
export async function prepareState(dir: string, log: (line: string) => void): Promise<Tokens> {
  await seed({ persistTo: dir, log });
  const tokens: Tokens = {
    admin: generateToken(),
    viettel: generateToken(),
    vinaphone: generateToken(),
    mobifone: generateToken(),
  };
  const rows = await Promise.all(
    Object.entries(tokens).map(async ([who, secret]) => {
      const role = who === "admin" ? "admin" : "operator";
      const operator = who === "admin" ? null : who;
      return `(${literal(newTokenId())}, ${literal(await hashToken(secret))}, '${role}', ${literal(operator)}, 'reliability ${who}', 'reliability')`;
    }),
  );
  await sql(
    dir,
    `INSERT INTO api_tokens (id, token_hash, role, operator_id, label, created_by) VALUES ${rows.join(", ")};`,
  );
  writeFileSync(join(dir, TOKENS_FILE), JSON.stringify(tokens));
  return tokens;
}

export function cloneState(from: string, to: string): Tokens {
  cpSync(from, to, { recursive: true });
  return readTokens(to);
}

export function readTokens(dir: string): Tokens {
  const file = join(dir, TOKENS_FILE);
  if (!existsSync(file)) throw new Error(`${dir} was not prepared by the reliability scripts (no ${TOKENS_FILE})`);
  return JSON.parse(readFileSync(file, "utf8")) as Tokens;
}
