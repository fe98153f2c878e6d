import { createRouter } from "../../api/router.ts";
import {
  createTokenHandler,
  getCoverageConfigHandler,
  listTokensHandler,
  putCoverageConfigHandler,
  recomputeHandler,
  revokeTokenHandler,
} from "./handlers.ts";
import { createToken, getCoverageConfig, listTokens, putCoverageConfig, recompute, revokeToken } from "./routes.ts";

export const adminRouter = createRouter()
  .openapi(createToken, createTokenHandler)
  .openapi(listTokens, listTokensHandler)
  .openapi(revokeToken, revokeTokenHandler)
  .openapi(recompute, recomputeHandler)
  .openapi(getCoverageConfig, getCoverageConfigHandler)
  .openapi(putCoverageConfig, putCoverageConfigHandler);
