import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../env.ts";

// API answers are data: nothing in them may run, load or be framed, and other
// origins may embed them (they are open data, CORS-open for GET).
const dataHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  crossOriginResourcePolicy: "cross-origin",
  referrerPolicy: "no-referrer",
  xFrameOptions: "DENY",
});

// The one page the worker renders, /docs: Swagger UI from our own origin
// (worker/routes/meta/docs.ts). It sets inline styles and draws icons from
// data: URLs, and fetches the OpenAPI document from here.
const docsHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: "strict-origin-when-cross-origin",
  xFrameOptions: "DENY",
});

// The map's pages are static assets served before the worker runs; their
// headers are in web/public/_headers.
export const securityHeaders = createMiddleware<AppEnv>((c, next) =>
  (c.req.path === "/docs" ? docsHeaders : dataHeaders)(c, next),
);
