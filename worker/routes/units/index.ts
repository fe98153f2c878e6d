import { createRouter } from "../../api/router.ts";
import { getUnitHandler, listUnitsHandler } from "./handlers.ts";
import { getUnit, listUnits } from "./routes.ts";

export const unitsRouter = createRouter().openapi(listUnits, listUnitsHandler).openapi(getUnit, getUnitHandler);
