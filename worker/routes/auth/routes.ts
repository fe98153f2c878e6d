import { createRoute } from "@hono/zod-openapi";
import { jsonContent, MeSchema } from "../../api/schemas.ts";
import { requireRole } from "../../middleware/auth.ts";
import { writeProblems } from "../problems.ts";

export const getMe = createRoute({
  method: "get",
  path: "/auth/me",
  tags: ["Auth"],
  summary: "Who this token belongs to",
  security: [{ bearer: [] }],
  middleware: [requireRole("operator", "admin")],
  responses: { 200: jsonContent(MeSchema, "The token's role, operator and label"), 401: writeProblems()[401] },
});
