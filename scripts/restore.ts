// Loads a backup made by `npm run backup` (or by wrangler d1 export) into the
// local database:
//
//   npm run restore -- FILE [--persist-to DIR] [--force]
//
// The database must be empty (a fresh DIR, or a fresh checkout): a restore
// never merges into live data. --force drops every table first. Stop
// `npm start` before restoring. The whole file is one batch, so a restore that
// fails leaves the database as it was. For the deployed database, restore into
// a new one: npx wrangler d1 create … && npx wrangler d1 execute DB --remote --file FILE.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { mergeInserts, splitDump, tablesFirst } from "./lib/d1-dump.ts";
import { withLocalD1 } from "./lib/local-d1.ts";

// The first line of every D1 export.
const EXPORT_SIGNATURE = "PRAGMA defer_foreign_keys=TRUE;";

// Tables and views; those D1 and SQLite keep for themselves are not data.
// Indexes and triggers go with their tables.
const USER_OBJECTS =
  "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY type DESC, name";

export class RestoreRefused extends Error {}

async function userObjects(db: D1Database): Promise<Array<{ type: string; name: string }>> {
  return (await db.prepare(USER_OBJECTS).all<{ type: string; name: string }>()).results;
}

export async function restore(options: {
  file: string;
  persistTo?: string;
  force?: boolean;
}): Promise<{ tables: number }> {
  const file = resolve(options.file);
  const text = readFileSync(file, "utf8");
  if (!text.startsWith(EXPORT_SIGNATURE)) {
    throw new RestoreRefused(`${file} is not a D1 export (it should start with ${EXPORT_SIGNATURE})`);
  }
  const statements = mergeInserts(tablesFirst(splitDump(text)));
  return withLocalD1(options.persistTo, async (db) => {
    const existing = await userObjects(db);
    if (existing.length > 0 && !options.force) {
      throw new RestoreRefused(
        `The database is not empty (${existing.length} tables and views, e.g. ${existing
          .slice(0, 3)
          .map((o) => o.name)
          .join(", ")}); restore into a fresh --persist-to directory, or pass --force to replace everything in it.`,
      );
    }
    // Views first (they name tables), and after the export's PRAGMA
    // defer_foreign_keys, so that foreign keys are checked when the batch
    // commits, once every table is dropped and every row is back.
    const drops = existing.map((o) => `DROP ${o.type.toUpperCase()} "${o.name.replaceAll('"', '""')}";`);
    const [pragma = EXPORT_SIGNATURE, ...rest] = statements;
    await db.batch([pragma, ...drops, ...rest].map((s) => db.prepare(s)));
    return { tables: (await userObjects(db)).filter((o) => o.type === "table").length };
  });
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { "persist-to": { type: "string" }, force: { type: "boolean", default: false } },
  });
  const [file] = positionals;
  if (!file || positionals.length > 1) {
    console.error("usage: npm run restore -- FILE [--persist-to DIR] [--force]");
    process.exit(2);
  }
  try {
    const { tables } = await restore({ file, persistTo: values["persist-to"], force: values.force });
    console.log(`Restored ${tables} tables from ${file}.`);
  } catch (err) {
    console.error(err instanceof RestoreRefused ? err.message : `Restore failed: ${(err as Error).message}`);
    process.exit(err instanceof RestoreRefused ? 3 : 1);
  }
}
