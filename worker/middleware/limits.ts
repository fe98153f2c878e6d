import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../errors.ts";

// The largest JSON write (a commitment with 20 blockers and 2000 characters of
// notes) is a few kilobytes; 64 KB leaves room and still stops a client from
// making the worker buffer and parse megabytes before validation refuses them.
export const JSON_BODY_MAX_BYTES = 64 * 1024;

const jsonLimit = bodyLimit({
  maxSize: JSON_BODY_MAX_BYTES,
  onError: () => {
    throw new ApiError({
      status: 413,
      code: "payload-too-large",
      title: "Payload too large",
      detail: `A JSON body may have at most ${JSON_BODY_MAX_BYTES / 1024} KB; files go to the import routes.`,
    });
  },
});

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

// Every write but the file uploads under `uploadPrefix`, which set their own,
// larger limit (worker/routes/imports/routes.ts).
export const jsonBodyLimit = (uploadPrefix: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (READS.has(c.req.method) || c.req.path.startsWith(uploadPrefix)) return next();
    return jsonLimit(c, next);
  });
