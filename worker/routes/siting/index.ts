import { createRouter } from "../../api/router.ts";
import { sitingSuggestionsHandler } from "./handlers.ts";
import { sitingSuggestions } from "./routes.ts";

export const sitingRouter = createRouter().openapi(sitingSuggestions, sitingSuggestionsHandler);
