import { createRouter } from "../../api/router.ts";
import { mapVillagesHandler } from "./handlers.ts";
import { mapVillages } from "./routes.ts";

export const mapRouter = createRouter().openapi(mapVillages, mapVillagesHandler);
