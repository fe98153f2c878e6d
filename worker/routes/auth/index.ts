import { createRouter } from "../../api/router.ts";
import { getMeHandler } from "./handlers.ts";
import { getMe } from "./routes.ts";

export const authRouter = createRouter().openapi(getMe, getMeHandler);
