import { createRoute, z } from "@hono/zod-openapi";
import {
  ApiTokenSchema,
  CoverageConfigSchema,
  jsonContent,
  problemResponses,
  RecomputeResultSchema,
  TokenCreatedSchema,
  TokenCreateSchema,
} from "../../api/schemas.ts";
import { requireRole } from "../../middleware/auth.ts";
import { idempotency, idempotencyHeader } from "../../middleware/idempotency.ts";
import { writeProblems } from "../problems.ts";

const admin = [requireRole("admin")];
const adminWrite = [requireRole("admin"), idempotency];
const writeHeaders = z.object({ "idempotency-key": idempotencyHeader });
const security = [{ bearer: [] }];

export const createToken = createRoute({
  method: "post",
  path: "/admin/tokens",
  tags: ["Admin"],
  summary: "Create an API token (the secret is in this response only)",
  security,
  middleware: adminWrite,
  request: {
    headers: writeHeaders,
    body: { required: true, content: { "application/json": { schema: TokenCreateSchema } } },
  },
  responses: { 201: jsonContent(TokenCreatedSchema, "The new token and its secret"), ...writeProblems(422) },
});

export const listTokens = createRoute({
  method: "get",
  path: "/admin/tokens",
  tags: ["Admin"],
  summary: "All API tokens, revoked ones included, without their secrets",
  security,
  middleware: admin,
  responses: {
    200: jsonContent(z.object({ data: z.array(ApiTokenSchema) }).openapi("ApiTokenList"), "The tokens"),
    ...writeProblems(),
  },
});

export const revokeToken = createRoute({
  method: "delete",
  path: "/admin/tokens/{id}",
  tags: ["Admin"],
  summary: "Revoke a token: from now on it answers 401",
  security,
  middleware: adminWrite,
  request: { params: z.object({ id: z.string().min(1).max(64) }), headers: writeHeaders },
  responses: { 200: jsonContent(ApiTokenSchema, "The revoked token"), ...writeProblems(404) },
});

export const recompute = createRoute({
  method: "post",
  path: "/admin/recompute",
  tags: ["Admin"],
  summary: "Recompute the coverage of every village from every station on air",
  description:
    "With `dry_run: true` nothing is written and the answer lists what a full recompute would change: after any sequence of station changes it must be empty, which checks that the incremental engine agrees with the full one.",
  security,
  middleware: adminWrite,
  request: {
    headers: writeHeaders,
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z.object({ dry_run: z.boolean().optional().openapi({ description: "Report only" }) }).strict(),
        },
      },
    },
  },
  responses: { 200: jsonContent(RecomputeResultSchema, "What changed (or would change)"), ...writeProblems() },
});

export const getCoverageConfig = createRoute({
  method: "get",
  path: "/coverage-config",
  tags: ["Coverage"],
  summary: "The nominal ranges the coverage engine uses",
  responses: {
    200: jsonContent(
      CoverageConfigSchema.extend({
        updated_at: z.string().nullable(),
        updated_by: z.string().nullable(),
      }).openapi("CoverageConfigInUse"),
      "The configuration in use (the defaults until the department changes them)",
    ),
    ...problemResponses,
  },
});

export const putCoverageConfig = createRoute({
  method: "put",
  path: "/admin/coverage-config",
  tags: ["Admin"],
  summary: "Change the nominal ranges and recompute every village with them",
  security,
  middleware: adminWrite,
  request: {
    headers: writeHeaders,
    body: { required: true, content: { "application/json": { schema: CoverageConfigSchema } } },
  },
  responses: {
    200: jsonContent(
      RecomputeResultSchema.omit({ dry_run: true })
        .extend({ config: CoverageConfigSchema })
        .openapi("CoverageConfigChange"),
      "The saved configuration and the villages whose coverage changed",
    ),
    ...writeProblems(),
  },
});
