import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { currentActor } from "../../middleware/auth.ts";
import type { getMe } from "./routes.ts";

export const getMeHandler: RouteHandler<typeof getMe, AppEnv> = async (c) => {
  const { token_id, role, operator_id, label } = currentActor(c);
  return c.json({ role, operator_id, label, token_id }, 200);
};
