import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isStaleImport } from "../../data/bulk.ts";
import { loadCoverageConfig } from "../../data/engine.ts";
import { type ImportContext, type ImportPlan, planStationImport, planVillageImport } from "../../data/imports.ts";
import { isUniqueViolation } from "../../data/version-guard.ts";
import { todayIn } from "../../domain/commitments.ts";
import { MAX_REPORTED_PROBLEMS, validateStationFile, validateVillageFile } from "../../domain/imports.ts";
import type { AppEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { actorName, currentActor } from "../../middleware/auth.ts";
import { recordIdempotent } from "../../middleware/idempotency.ts";
import type { importStations, importVillages } from "./routes.ts";
import { fileProblems, readUpload } from "./upload.ts";

async function contextOf(c: Context<AppEnv>): Promise<ImportContext> {
  const actor = currentActor(c);
  const now = new Date();
  return {
    actor: actorName(actor),
    actor_role: actor.role,
    at: now.toISOString(),
    today: todayIn(c.env.APP_TIMEZONE ?? "Asia/Ho_Chi_Minh", now),
    request_id: c.get("requestId"),
    config: await loadCoverageConfig(c.get("db")),
  };
}

const concurrent = (what: string) =>
  new ApiError({
    status: 409,
    code: "concurrent-change",
    title: "Changed during the import",
    detail: `Some of these ${what} were created or changed by someone else while the file was being imported. Nothing was written; send the file again.`,
  });

async function write(c: Context<AppEnv>, plan: ImportPlan, rows: number, what: "stations" | "villages") {
  if (plan.problems.length > 0) throw fileProblems(plan.problems);
  const body = {
    rows,
    created: plan.created,
    updated: plan.updated,
    unchanged: plan.unchanged,
    coverage: plan.coverage,
  };
  const statements = [...plan.statements, ...recordIdempotent(c, 200, body)];
  const [first, ...rest] = statements;
  if (first) {
    try {
      await c.get("db").batch([first, ...rest]);
    } catch (err) {
      if (isStaleImport(err) || isUniqueViolation(err, `${what}.`)) throw concurrent(what);
      throw err;
    }
  }
  return body;
}

export const importStationsHandler: RouteHandler<typeof importStations, AppEnv> = async (c) => {
  const file = validateStationFile(await readUpload(c));
  if (file.problems.length > 0) throw fileProblems(file.problems);
  const actor = currentActor(c);
  if (actor.role !== "admin") {
    const foreign = file.rows.flatMap((r, i) =>
      r.operator_id === actor.operator_id ? [] : [{ row: i + 1, op: r.operator_id }],
    );
    if (foreign.length > 0) {
      const operators = [...new Set(foreign.map((f) => `'${f.op}'`))].join(", ");
      const shown = foreign.slice(0, MAX_REPORTED_PROBLEMS);
      throw new ApiError({
        status: 403,
        code: "forbidden",
        title: "Forbidden",
        detail: `Your token belongs to operator '${actor.operator_id}' and may not import stations of operator ${operators} (${foreign.length} row${foreign.length === 1 ? "" : "s"}, listed in errors). Nothing was written.`,
        errors: shown.map((f) => ({
          row: f.row,
          field: "operator_id",
          location: "file",
          problem: `is '${f.op}', not your operator '${actor.operator_id}'`,
        })),
      });
    }
  }
  const db = c.get("db");
  const plan = await planStationImport(db, file.rows, await contextOf(c));
  return c.json(await write(c, plan, file.rows.length, "stations"), 200);
};

export const importVillagesHandler: RouteHandler<typeof importVillages, AppEnv> = async (c) => {
  const file = validateVillageFile(await readUpload(c));
  if (file.problems.length > 0) throw fileProblems(file.problems);
  const plan = await planVillageImport(c.get("db"), file.rows, await contextOf(c));
  return c.json(await write(c, plan, file.rows.length, "villages"), 200);
};
