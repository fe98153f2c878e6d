import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "../../scripts/lib/wrangler.ts";
import { kb, table } from "../lib/stats.ts";
import { build } from "./map.ts";
import type { Section } from "./section.ts";

const DIST = join(ROOT, "dist", "web");

// The scripts each page loads (its module entry and the chunks it preloads),
// gzipped as a server would send them.
function scriptsOf(page: string): string[] {
  const html = readFileSync(join(DIST, page), "utf8");
  return [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/?([^"]+\.js)"/g)].map(
    (m) => m[1] as string,
  );
}

const gz = (file: string) => gzipSync(readFileSync(join(DIST, file))).byteLength;

export type SizeResult = {
  pages: Array<{ page: string; files: string[]; raw: number; gzip: number }>;
  all: { raw: number; gzip: number };
};

export const sizeSection: Section = async ({ log }): Promise<SizeResult> => {
  await build(log);
  const pages = readdirSync(DIST).filter((f) => f.endsWith(".html"));
  const rows = pages.map((page) => {
    const files = scriptsOf(page);
    return {
      page,
      files,
      raw: files.reduce((s, f) => s + readFileSync(join(DIST, f)).byteLength, 0),
      gzip: files.reduce((s, f) => s + gz(f), 0),
    };
  });
  const assets = readdirSync(join(DIST, "assets")).filter((f) => f.endsWith(".js"));
  const all = {
    raw: assets.reduce((s, f) => s + readFileSync(join(DIST, "assets", f)).byteLength, 0),
    gzip: assets.reduce((s, f) => s + gz(join("assets", f)), 0),
  };
  log("");
  log(
    table(
      ["front-end JavaScript (dist/web)", "files", "raw", "gzip"],
      [
        ...rows.map((r) => [`${r.page}`, String(r.files.length), kb(r.raw), kb(r.gzip)]),
        ["every script in assets/", String(assets.length), kb(all.raw), kb(all.gzip)],
      ],
    ),
  );
  return { pages: rows, all };
};
