import { createRouter } from "../../api/router.ts";
import { listAuditHandler } from "./handlers.ts";
import { listAudit } from "./routes.ts";

export const auditRouter = createRouter().openapi(listAudit, listAuditHandler);
