import { createRouter } from "../../api/router.ts";
import { createMeasurementHandler, listVillageMeasurementsHandler } from "./handlers.ts";
import { createMeasurement, listVillageMeasurements } from "./routes.ts";

export const measurementsRouter = createRouter()
  .openapi(createMeasurement, createMeasurementHandler)
  .openapi(listVillageMeasurements, listVillageMeasurementsHandler);
