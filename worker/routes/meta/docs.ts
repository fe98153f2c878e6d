import { html } from "hono/html";

// Swagger UI is served from our own static assets (copied from swagger-ui-dist
// by the web build) so the docs work offline and under a strict CSP.
export const docsPage = (specUrl: string) => html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Phủ Sóng API</title>
    <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css" />
  </head>
  <body>
    <noscript>The API description is at <a href="${specUrl}">${specUrl}</a>.</noscript>
    <div id="swagger-ui" data-spec-url="${specUrl}"></div>
    <script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
    <script src="/docs.js"></script>
  </body>
</html>`;
