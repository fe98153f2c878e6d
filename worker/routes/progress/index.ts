import { createRouter } from "../../api/router.ts";
import { progressHandler } from "./handlers.ts";
import { getProgress } from "./routes.ts";

export const progressRouter = createRouter().openapi(getProgress, progressHandler);
