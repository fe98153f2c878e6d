import { createRouter } from "../../api/router.ts";
import { listCommitmentsHandler, putCommitmentHandler } from "./handlers.ts";
import { listCommitments, putCommitment } from "./routes.ts";

export const commitmentsRouter = createRouter()
  .openapi(putCommitment, putCommitmentHandler)
  .openapi(listCommitments, listCommitmentsHandler);
