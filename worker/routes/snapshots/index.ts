import { createRouter } from "../../api/router.ts";
import { historyHandler, snapshotHandler } from "./handlers.ts";
import { getHistory, takeSnapshot } from "./routes.ts";

export const snapshotsRouter = createRouter()
  .openapi(getHistory, historyHandler)
  .openapi(takeSnapshot, snapshotHandler);
