import { createRouter } from "../../api/router.ts";
import { stationsCsvHandler, stationsGeojsonHandler, villagesCsvHandler, villagesGeojsonHandler } from "./handlers.ts";
import { stationsCsv, stationsGeojson, villagesCsv, villagesGeojson } from "./routes.ts";

export const exportsRouter = createRouter()
  .openapi(villagesGeojson, villagesGeojsonHandler)
  .openapi(villagesCsv, villagesCsvHandler)
  .openapi(stationsGeojson, stationsGeojsonHandler)
  .openapi(stationsCsv, stationsCsvHandler);
