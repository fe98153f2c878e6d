// API tokens for the local database of `npm start`:
//
//   npm run token -- create --role operator --operator viettel [--label "Viettel Hà Giang"]
//   npm run token -- create --role admin [--label "Sở TT&TT"]
//   npm run token -- list
//   npm run token -- revoke <token id>
//
// Every command accepts --persist-to DIR (wrangler's local state directory,
// .wrangler/state by default). `create` prints the token alone on its last
// line, so scripts can take it with `tail -n 1`; it is shown only this once.
// A deployed instance makes tokens with POST /api/v1/admin/tokens instead.
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { ROLES, type Role } from "../schema/tables.ts";
import { generateToken, hashToken, newTokenId } from "../worker/auth/tokens.ts";
import { runWrangler } from "./lib/wrangler.ts";

const USAGE = `usage:
  npm run token -- create --role operator --operator <id> [--label <text>] [--persist-to <dir>]
  npm run token -- create --role admin [--label <text>] [--persist-to <dir>]
  npm run token -- list [--persist-to <dir>]
  npm run token -- revoke <token id> [--persist-to <dir>]`;

class UsageError extends Error {}

type Row = Record<string, string | number | null>;

const literal = (v: string | null) => (v === null ? "NULL" : `'${v.replaceAll("'", "''")}'`);

function local(persistTo: string | undefined): string[] {
  return ["--local", ...(persistTo ? ["--persist-to", persistTo] : [])];
}

// Migrations first: on a fresh checkout the tables do not exist yet, and
// applying is a no-op when they are current.
async function prepare(persistTo: string | undefined): Promise<void> {
  try {
    await runWrangler(["d1", "migrations", "apply", "DB", ...local(persistTo)], { capture: true });
  } catch (err) {
    throw new Error(
      `Could not apply the migrations to the local database${persistTo ? ` in ${persistTo}` : ""}: ${(err as Error).message}`,
    );
  }
}

// Statements of one --command run as one batch, so a token and its audit
// entry land together.
async function sql(persistTo: string | undefined, command: string): Promise<Row[][]> {
  const { stdout } = await runWrangler(["d1", "execute", "DB", ...local(persistTo), "--json", "--command", command], {
    capture: true,
  });
  const parsed = JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{ results?: Row[] }>;
  return parsed.map((r) => r.results ?? []);
}

const actor = () => `cli:${userInfo().username}`;

function auditStatement(entry: { action: string; entityId: string; before: unknown; after: unknown; at: string }) {
  return `INSERT INTO audit_log (at, actor, actor_role, action, entity_type, entity_id, before, after, request_id)
    VALUES (${literal(entry.at)}, ${literal(actor())}, 'admin', ${literal(entry.action)}, 'token', ${literal(entry.entityId)},
      ${literal(entry.before === null ? null : JSON.stringify(entry.before))}, ${literal(JSON.stringify(entry.after))}, NULL);`;
}

async function create(options: { role?: string; operator?: string; label?: string; persistTo?: string }) {
  const role = options.role as Role | undefined;
  if (!role || !ROLES.includes(role)) throw new UsageError(`--role must be one of: ${ROLES.join(", ")}`);
  if (role === "operator" && !options.operator) throw new UsageError("--operator <id> is required for --role operator");
  if (role === "admin" && options.operator) throw new UsageError("--operator is only for --role operator");
  const operatorId = options.operator ?? null;
  await prepare(options.persistTo);
  if (operatorId) {
    const [known = []] = await sql(options.persistTo, "SELECT id FROM operators ORDER BY id");
    if (!known.some((o) => o.id === operatorId)) {
      throw new Error(
        known.length === 0
          ? `There are no operators in the local database yet; run \`npm run seed\` (or \`npm start\`) first.`
          : `There is no operator '${operatorId}'; the operators are ${known.map((o) => o.id).join(", ")}.`,
      );
    }
  }
  const token = generateToken();
  const at = new Date().toISOString();
  const row = {
    id: newTokenId(),
    role,
    operator_id: operatorId,
    label: options.label ?? (operatorId ? `${operatorId} (command line)` : "department (command line)"),
    created_by: actor(),
    created_at: at,
  };
  await sql(
    options.persistTo,
    `INSERT INTO api_tokens (id, token_hash, role, operator_id, label, created_by, created_at)
       VALUES (${literal(row.id)}, ${literal(await hashToken(token))}, ${literal(role)}, ${literal(operatorId)},
         ${literal(row.label)}, ${literal(row.created_by)}, ${literal(at)});
     ${auditStatement({ action: "create", entityId: row.id, before: null, after: row, at })}`,
  );
  console.log(`Created ${role} token ${row.id}${operatorId ? ` for ${operatorId}` : ""} ("${row.label}").`);
  console.log("It is shown only now; the database keeps only its hash. Send it as 'Authorization: Bearer <token>'.");
  console.log(token);
}

async function list(persistTo: string | undefined) {
  await prepare(persistTo);
  const [rows = []] = await sql(
    persistTo,
    "SELECT id, role, operator_id, label, created_by, created_at, revoked_at FROM api_tokens ORDER BY created_at, id",
  );
  if (rows.length === 0) {
    console.log("No tokens yet: npm run token -- create --role admin");
    return;
  }
  console.table(rows);
}

async function revoke(id: string | undefined, persistTo: string | undefined) {
  if (!id) throw new UsageError("revoke needs the token id (see `npm run token -- list`)");
  await prepare(persistTo);
  const [[before] = []] = await sql(
    persistTo,
    `SELECT id, role, operator_id, label, created_by, created_at, revoked_at, last_used_at FROM api_tokens WHERE id = ${literal(id)}`,
  );
  if (!before) throw new Error(`There is no token '${id}'.`);
  if (before.revoked_at !== null) {
    console.log(`Token ${id} was already revoked at ${before.revoked_at}.`);
    return;
  }
  const at = new Date().toISOString();
  await sql(
    persistTo,
    `UPDATE api_tokens SET revoked_at = ${literal(at)} WHERE id = ${literal(id)} AND revoked_at IS NULL;
     ${auditStatement({ action: "revoke", entityId: id, before, after: { ...before, revoked_at: at }, at })}`,
  );
  console.log(`Revoked token ${id}; it now gets 401.`);
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: "string" },
      operator: { type: "string" },
      label: { type: "string" },
      "persist-to": { type: "string" },
    },
  });
}

async function main(argv: string[]) {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const persistTo = values["persist-to"];
  if (command === "create" && rest.length === 0) return create({ ...values, persistTo });
  if (command === "list" && rest.length === 0) return list(persistTo);
  if (command === "revoke" && rest.length <= 1) return revoke(rest[0], persistTo);
  throw new UsageError(command ? `unknown command: ${positionals.join(" ")}` : "no command given");
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof UsageError ? `${err.message}\n\n${USAGE}` : (err as Error).message);
  process.exit(err instanceof UsageError ? 2 : 1);
}
