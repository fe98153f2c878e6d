import { createRouter } from "../../api/router.ts";
import { getVillageHandler, listVillagesHandler } from "./handlers.ts";
import { getVillage, listVillages } from "./routes.ts";

export const villagesRouter = createRouter()
  .openapi(listVillages, listVillagesHandler)
  .openapi(getVillage, getVillageHandler);
