// The local D1 database that `wrangler dev --persist-to DIR` serves, opened
// from Node through Miniflare the way wrangler's own d1 commands open it.
// Nothing else may hold DIR meanwhile: stop the server first.
import { join, resolve } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_readConfig } from "wrangler";
import { ROOT } from "./wrangler.ts";

export const DEFAULT_STATE = join(ROOT, ".wrangler", "state");

function localDatabaseId(): string {
  const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });
  const db = config.d1_databases.find((d: { binding: string }) => d.binding === "DB");
  if (!db) throw new Error("wrangler.toml has no D1 database bound as DB");
  return db.preview_database_id ?? db.database_id ?? db.binding;
}

export async function withLocalD1<T>(persistTo: string | undefined, use: (db: D1Database) => Promise<T>): Promise<T> {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: "export default {}",
      resourcePersistencePath: join(resolve(persistTo ?? DEFAULT_STATE), "v3"),
      d1Databases: { DATABASE: localDatabaseId() },
    }),
  );
  try {
    return await use((await mf.getD1Database("DATABASE")) as unknown as D1Database);
  } finally {
    await mf.dispose();
  }
}
