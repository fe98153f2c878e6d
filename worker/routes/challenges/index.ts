import { createRouter } from "../../api/router.ts";
import { challengeSummaryHandler, listChallengesHandler, resolveChallengeHandler } from "./handlers.ts";
import { challengeSummary, listChallenges, resolveChallenge } from "./routes.ts";

export const challengesRouter = createRouter()
  .openapi(challengeSummary, challengeSummaryHandler)
  .openapi(listChallenges, listChallengesHandler)
  .openapi(resolveChallenge, resolveChallengeHandler);
