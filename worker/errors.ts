import { DrizzleQueryError } from "drizzle-orm/errors";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import type { AppEnv } from "./env.ts";

export type FieldLocation = "query" | "path" | "body" | "header" | "file";

export type FieldProblem = {
  field: string;
  location: FieldLocation;
  problem: string;
  row?: number;
};

type ApiErrorInit = {
  status: ContentfulStatusCode;
  code: string;
  title: string;
  detail: string;
  errors?: FieldProblem[];
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
};

// The one error type of the API. Everything a client may see is set here on
// purpose; anything else thrown becomes a generic 500 in `onError`.
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldProblem[];
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;

  constructor(init: ApiErrorInit) {
    super(init.detail);
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.headers = init.headers ?? {};
    this.extra = init.extra ?? {};
  }
}

export const invalidInput = (errors: FieldProblem[], detail?: string) =>
  new ApiError({
    status: 400,
    code: "invalid-input",
    title: "Invalid input",
    detail: detail ?? errors.map((e) => `${e.field}: ${e.problem}`).join("; "),
    errors,
  });

export const notFound = (what: string, id: string) =>
  new ApiError({
    status: 404,
    code: "not-found",
    title: "Not found",
    detail: `No ${what} with code or id '${id}'.`,
  });

const LOCATIONS: Record<string, FieldLocation> = {
  query: "query",
  param: "path",
  json: "body",
  form: "body",
  header: "header",
};

// An empty key is shown quoted, or the client would be told of a field "".
const fieldName = (path: PropertyKey[]) =>
  path.length > 0 ? path.map((p) => (p === "" ? '""' : String(p))).join(".") : "(body)";

export function fromZodError(error: ZodError, target: string): ApiError {
  const location = LOCATIONS[target] ?? "body";
  return invalidInput(
    error.issues.flatMap((issue) =>
      // Zod reports unknown keys on the object that holds them; the client
      // needs the key itself to find its typo.
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => ({
            field: fieldName([...issue.path, key]),
            location,
            problem: "is not a known field",
          }))
        : [{ field: fieldName(issue.path), location, problem: issue.message }],
    ),
  );
}

export function problemBody(err: ApiError, instance: string) {
  return {
    type: `/docs#problem-${err.code}`,
    title: err.title,
    status: err.status,
    detail: err.detail,
    instance,
    ...(err.errors.length > 0 ? { errors: err.errors } : {}),
    ...err.extra,
  };
}

export function problemResponse(c: Context<AppEnv>, err: ApiError): Response {
  const res = c.json(problemBody(err, new URL(c.req.url).pathname), err.status, err.headers);
  res.headers.set("Content-Type", "application/problem+json; charset=UTF-8");
  return res;
}

// Drizzle wraps each failed query in an error whose message lists the bound
// parameters: client data, and digests of tokens. Only the SQL text and the
// messages of the errors it wraps are looked at or logged.
function storageMessages(err: unknown): string[] {
  const out: string[] = [];
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    out.push(e instanceof DrizzleQueryError ? `query: ${e.query}` : `${e.name}: ${e.message}`);
  }
  return out;
}

// The D1 errors whose documented remedy is "retry the operation" (D1's error
// list, developers.cloudflare.com/d1/observability/debug-d1), plus SQLite's
// busy signal: worth a 503 with Retry-After, unlike a bug in our own SQL.
const TRANSIENT_STORAGE =
  /Network connection lost|reset because its code was updated|caused object to be reset|transient issue on remote node|overloaded|requests queued|exceeded its memory limit and was reset|client disconnected|SQLITE_BUSY|database is locked/i;

export function isTransientStorageError(err: unknown): boolean {
  return storageMessages(err).some((m) => TRANSIENT_STORAGE.test(m));
}

// What the framework throws before a handler runs, as problems that name
// what was wrong: a body that is not JSON, a media type the route does not
// take, a body over the limit.
function fromHttpException(err: HTTPException): ApiError {
  switch (err.status) {
    case 400:
      return invalidInput([{ field: "(body)", location: "body", problem: `cannot be read: ${err.message}` }]);
    case 413:
      return new ApiError({
        status: 413,
        code: "payload-too-large",
        title: "Payload too large",
        detail: err.message || "The body is larger than this route accepts.",
      });
    case 415:
      return new ApiError({
        status: 415,
        code: "unsupported-media-type",
        title: "Unsupported media type",
        detail: "This route reads a JSON body: send it with 'Content-Type: application/json'.",
        errors: [{ field: "Content-Type", location: "header", problem: "must be application/json" }],
      });
    default:
      return new ApiError({
        status: err.status as ContentfulStatusCode,
        code: "http-error",
        title: "Request failed",
        detail: err.message || "The request could not be processed.",
      });
  }
}

export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return problemResponse(c, err);
  if (err instanceof HTTPException) return problemResponse(c, fromHttpException(err));
  console.error(JSON.stringify({ request_id: c.get("requestId"), error: storageMessages(err) }));
  if (isTransientStorageError(err)) {
    return problemResponse(
      c,
      new ApiError({
        status: 503,
        code: "storage-unavailable",
        title: "Storage temporarily unavailable",
        detail:
          "The database did not answer; retry shortly. Each write is applied whole or not at all, and an Idempotency-Key makes the retry safe.",
        headers: { "Retry-After": "5" },
      }),
    );
  }
  return problemResponse(
    c,
    new ApiError({
      status: 500,
      code: "internal",
      title: "Internal error",
      detail: `Something went wrong on our side. Quote request id ${c.get("requestId") ?? "-"} when reporting it.`,
    }),
  );
}
