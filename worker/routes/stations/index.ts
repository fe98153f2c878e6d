import { createRouter } from "../../api/router.ts";
import {
  createStationHandler,
  getStationHandler,
  listStationsHandler,
  retireStationHandler,
  updateStationHandler,
} from "./handlers.ts";
import { createStation, getStation, listStations, retireStation, updateStation } from "./routes.ts";

export const stationsRouter = createRouter()
  .openapi(listStations, listStationsHandler)
  .openapi(getStation, getStationHandler)
  .openapi(createStation, createStationHandler)
  .openapi(updateStation, updateStationHandler)
  .openapi(retireStation, retireStationHandler);
