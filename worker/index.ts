import { drizzle } from "drizzle-orm/d1";
import * as tables from "../schema/tables.ts";
import { app } from "./app.ts";
import { snapshotProgress } from "./data/snapshots.ts";
import { snapshotDay } from "./domain/snapshots.ts";
import type { Bindings } from "./env.ts";

export default {
  fetch: app.fetch,
  // The daily cron of wrangler.toml: every unit's progress, for the history
  // chart. Awaited, so a failure marks the cron run as failed.
  scheduled: async (controller, env) => {
    const day = snapshotDay(new Date(controller.scheduledTime), env.APP_TIMEZONE ?? "Asia/Ho_Chi_Minh");
    await snapshotProgress(drizzle(env.DB, { schema: tables }), day);
  },
} satisfies ExportedHandler<Bindings>;
