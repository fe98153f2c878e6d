// A copy of the local database as one SQL file, schema and data:
//
//   npm run backup -- [--out FILE] [--persist-to DIR]
//
// FILE defaults to backups/phu-song-<UTC time>.sql, DIR to wrangler's
// .wrangler/state. `npm run restore -- FILE` loads it back. This is what
// `wrangler d1 export DB --local --output FILE` does, through the same
// Miniflare call, because that command cannot be pointed at another state
// directory; the statements are then put in an order that loads back
// (scripts/lib/d1-dump.ts). For the deployed database:
// npx wrangler d1 export DB --remote --output FILE, which npm run restore reads too.
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { tablesFirst } from "./lib/d1-dump.ts";
import { withLocalD1 } from "./lib/local-d1.ts";
import { ROOT } from "./lib/wrangler.ts";

export async function backup(options: {
  out: string;
  persistTo?: string;
}): Promise<{ bytes: number; statements: number }> {
  const statements = await withLocalD1(options.persistTo, async (db) => {
    const dump = await db.prepare("PRAGMA miniflare_d1_export(?,?,?);").bind(0, 0).raw<string[]>();
    return tablesFirst(dump[0] ?? []);
  });
  mkdirSync(dirname(resolve(options.out)), { recursive: true });
  writeFileSync(options.out, `${statements.join("\n")}\n`);
  return { bytes: statSync(options.out).size, statements: statements.length };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: "string" }, "persist-to": { type: "string" } } });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const out = values.out ?? join(ROOT, "backups", `phu-song-${stamp}.sql`);
  try {
    const { bytes, statements } = await backup({ out, persistTo: values["persist-to"] });
    console.log(`${statements} statements, ${(bytes / 1024 / 1024).toFixed(1)} MB`);
    console.log(out);
  } catch (err) {
    console.error(`Backup failed: ${(err as Error).message}`);
    process.exit(1);
  }
}
