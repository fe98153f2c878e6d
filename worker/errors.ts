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

export function fromZodError(error: ZodError, target: string): ApiError {
  const location = LOCATIONS[target] ?? "body";
  return invalidInput(
    error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join(".") : "(body)",
      location,
      problem: issue.message,
    })),
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

// D1 reports overload and transient storage trouble through error messages;
// those are worth a retry, unlike a bug in our own SQL.
function isTransientStorageError(err: Error): boolean {
  return /SQLITE_BUSY|database is locked|Network connection lost|overloaded|storage operation|timed? ?out|reset because/i.test(
    `${err.message} ${String((err as { cause?: unknown }).cause ?? "")}`,
  );
}

export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return problemResponse(c, err);
  if (err instanceof HTTPException) {
    return problemResponse(
      c,
      new ApiError({
        status: err.status as ContentfulStatusCode,
        code: err.status === 413 ? "payload-too-large" : "http-error",
        title: err.status === 413 ? "Payload too large" : "Request failed",
        detail: err.message || "The request could not be processed.",
      }),
    );
  }
  console.error(JSON.stringify({ request_id: c.get("requestId"), error: err.name, message: err.message }));
  if (isTransientStorageError(err)) {
    return problemResponse(
      c,
      new ApiError({
        status: 503,
        code: "storage-unavailable",
        title: "Storage temporarily unavailable",
        detail: "The database did not answer. Nothing was changed; retry shortly.",
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
