import { createRouter } from "../../api/router.ts";
import { getStationHandler, listStationsHandler } from "./handlers.ts";
import { getStation, listStations } from "./routes.ts";

export const stationsRouter = createRouter()
  .openapi(listStations, listStationsHandler)
  .openapi(getStation, getStationHandler);
