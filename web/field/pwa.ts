import type { Plugin } from "vite";

// The field page is an installable web app: its manifest and icon live at
// fixed addresses next to the service worker (web/src/field/sw.ts, built as
// /field-sw.js), so the worker can find them without knowing the build.

const THEME = "#0f3d3e";

const MANIFEST = {
  name: "Phủ Sóng · Đo sóng thực địa",
  short_name: "Đo sóng",
  description: "Ghi mức sóng di động tại thôn, bản, kể cả khi không có mạng.",
  lang: "vi",
  start_url: "/field",
  scope: "/field",
  display: "standalone",
  background_color: "#ffffff",
  theme_color: THEME,
  icons: [{ src: "/field-icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" }],
};

// A mast with three waves, white on the brand colour.
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="96" fill="${THEME}"/><g fill="none" stroke="#fff" stroke-width="28" stroke-linecap="round"><path d="M256 250v190M196 440h120"/><path d="M206 200a70 70 0 0 1 100 0M166 160a127 127 0 0 1 180 0M126 120a184 184 0 0 1 260 0"/></g><circle cx="256" cy="236" r="26" fill="#fff"/></svg>`;

export function fieldPwa(): Plugin {
  return {
    name: "phu-song:field-pwa",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, ctx) {
        if (!ctx.filename.endsWith("field.html")) return [];
        return [
          { tag: "link", attrs: { rel: "manifest", href: "/field.webmanifest" }, injectTo: "head" },
          { tag: "link", attrs: { rel: "icon", href: "/field-icon.svg", type: "image/svg+xml" }, injectTo: "head" },
        ];
      },
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "field.webmanifest", source: `${JSON.stringify(MANIFEST, null, 2)}\n` });
      this.emitFile({ type: "asset", fileName: "field-icon.svg", source: ICON });
    },
  };
}
