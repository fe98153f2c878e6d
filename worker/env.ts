import type { DrizzleD1Database } from "drizzle-orm/d1";
import type * as tables from "../schema/tables.ts";
import type { Role } from "../schema/tables.ts";

export type Bindings = {
  DB: D1Database;
  ASSETS?: Fetcher;
  APP_TIMEZONE?: string;
  // "1" lets a request ask for its D1 figures (middleware/d1-stats.ts).
  D1_STATS?: string;
};

export type Db = DrizzleD1Database<typeof tables>;

export type Actor = {
  token_id: string;
  role: Role;
  operator_id: string | null;
  label: string;
};

export type AppEnv = {
  Bindings: Bindings;
  Variables: {
    db: Db;
    requestId: string;
    actor?: Actor;
  };
};
