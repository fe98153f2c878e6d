// Loaded by the worker's /docs page after swagger-ui-bundle.js, which defines
// the global; the spec address comes from the page so it is stated once, there.
declare const SwaggerUIBundle: (options: { url: string; dom_id: string; deepLinking?: boolean }) => unknown;

const root = document.getElementById("swagger-ui");
const url = root?.dataset.specUrl;
if (root && url) SwaggerUIBundle({ url, dom_id: "#swagger-ui", deepLinking: true });
