import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import type { AppEnv } from "./env.ts";
import { ApiError, fromZodError, onError, problemResponse } from "./errors.ts";
import { publicCache } from "./middleware/cache.ts";
import { withDb } from "./middleware/db.ts";
import { jsonBodyLimit } from "./middleware/limits.ts";
import { securityHeaders } from "./middleware/security.ts";
import { adminRouter } from "./routes/admin/index.ts";
import { auditRouter } from "./routes/audit/index.ts";
import { authRouter } from "./routes/auth/index.ts";
import { challengesRouter } from "./routes/challenges/index.ts";
import { commitmentsRouter } from "./routes/commitments/index.ts";
import { exportsRouter } from "./routes/exports/index.ts";
import { importsRouter } from "./routes/imports/index.ts";
import { mapRouter } from "./routes/map/index.ts";
import { measurementsRouter } from "./routes/measurements/index.ts";
import { docsPage } from "./routes/meta/docs.ts";
import { progressRouter } from "./routes/progress/index.ts";
import { sitingRouter } from "./routes/siting/index.ts";
import { snapshotsRouter } from "./routes/snapshots/index.ts";
import { stationsRouter } from "./routes/stations/index.ts";
import { surveysRouter } from "./routes/surveys/index.ts";
import { unitsRouter } from "./routes/units/index.ts";
import { villagesRouter } from "./routes/villages/index.ts";

export const API_BASE = "/api/v1";

function buildApp() {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw fromZodError(result.error, result.target);
    },
  });

  app.use("*", requestId());
  app.use("*", securityHeaders);
  // Open data: anyone may read from any origin; writes are not offered to
  // other origins' browsers. Authorization is not among the allowed headers:
  // POST is a method browsers never preflight for, so only refusing the token
  // keeps another origin's page from writing with one.
  app.use(
    `${API_BASE}/*`,
    cors({
      origin: "*",
      allowMethods: ["GET", "HEAD", "OPTIONS"],
      allowHeaders: ["If-None-Match"],
      exposeHeaders: ["ETag"],
    }),
  );
  app.use(`${API_BASE}/*`, jsonBodyLimit(`${API_BASE}/import/`));
  app.use(`${API_BASE}/*`, withDb);
  app.use(`${API_BASE}/*`, publicCache);

  const routes = app
    .route(API_BASE, progressRouter)
    .route(API_BASE, unitsRouter)
    .route(API_BASE, villagesRouter)
    .route(API_BASE, mapRouter)
    .route(API_BASE, stationsRouter)
    .route(API_BASE, authRouter)
    .route(API_BASE, adminRouter)
    .route(API_BASE, auditRouter)
    .route(API_BASE, exportsRouter)
    .route(API_BASE, commitmentsRouter)
    .route(API_BASE, surveysRouter)
    .route(API_BASE, importsRouter)
    .route(API_BASE, snapshotsRouter)
    .route(API_BASE, measurementsRouter)
    .route(API_BASE, challengesRouter)
    .route(API_BASE, sitingRouter);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API token: `npm run token -- create …` locally, POST /api/v1/admin/tokens when deployed.",
  });
  app.doc31(`${API_BASE}/openapi.json`, {
    openapi: "3.1.0",
    info: {
      title: "Phủ Sóng API",
      version: "1.0.0",
      description:
        "Mobile coverage of villages: progress, villages, base stations and open-data exports. Errors are RFC 9457 problem details.",
      license: { name: "Data: see /docs; code: MIT" },
    },
    servers: [{ url: "/" }],
  });
  app.get("/docs", (c) => c.html(docsPage(`${API_BASE}/openapi.json`)));

  app.notFound((c) =>
    problemResponse(
      c,
      new ApiError({
        status: 404,
        code: "not-found",
        title: "Not found",
        detail: `There is no route ${c.req.method} ${new URL(c.req.url).pathname}. The API is described at ${API_BASE}/openapi.json.`,
      }),
    ),
  );
  app.onError(onError);
  return { app, routes };
}

const built = buildApp();
export const app = built.app;
export type AppType = typeof built.routes;
