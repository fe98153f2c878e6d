import { createRouter } from "../../api/router.ts";
import { createSurveyHandler } from "./handlers.ts";
import { createSurvey } from "./routes.ts";

export const surveysRouter = createRouter().openapi(createSurvey, createSurveyHandler);
