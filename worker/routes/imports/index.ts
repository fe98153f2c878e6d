import { createRouter } from "../../api/router.ts";
import { importStationsHandler, importVillagesHandler } from "./handlers.ts";
import { importStations, importVillages } from "./routes.ts";

export const importsRouter = createRouter()
  .openapi(importStations, importStationsHandler)
  .openapi(importVillages, importVillagesHandler);
