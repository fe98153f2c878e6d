import { ProblemSchema, problemResponses } from "../api/schemas.ts";

const DESCRIPTIONS = {
  401: "No token, a malformed Authorization header, or an unknown or revoked token",
  403: "The token's role or operator may not do this; `detail` says which",
  404: "Not found",
  409: "Conflicts with the current state; an illegal status change lists `allowed` next states",
  412: "If-Match does not match the current ETag: the resource changed since it was read; nothing was changed",
  422: "Well-formed but not applicable (an Idempotency-Key reused for another request, a reference that does not exist)",
  428: "If-Match is required",
} as const;

type Status = keyof typeof DESCRIPTIONS;

type Problem<S extends Status> = {
  description: (typeof DESCRIPTIONS)[S];
  content: { "application/problem+json": { schema: typeof ProblemSchema } };
};

// The problem responses of an authenticated route, for its OpenAPI entry.
export function writeProblems<S extends Status>(...statuses: S[]) {
  const out: Record<number, unknown> = { 400: problemResponses[400] };
  for (const s of [401, 403, ...statuses] as Status[]) {
    out[s] = { description: DESCRIPTIONS[s], content: { "application/problem+json": { schema: ProblemSchema } } };
  }
  return out as { 400: (typeof problemResponses)[400] } & { [K in S | 401 | 403]: Problem<K> };
}
