/// <reference lib="webworker" />
// The field page's service worker: it keeps the page and its assets so that
// the page opens with no network at all. It controls only the field page (its
// scope), and never touches the API: readings are queued and sent by the page
// itself, which sees every answer and keeps every reading until one comes.

// The DOM's `self` (a Window) shares this project's types; this is the worker.
const worker = globalThis as unknown as ServiceWorkerGlobalScope;

const CACHE = "phu-song-field-v1";
const PAGE = "/field";
const EXTRAS = ["/field.webmanifest", "/field-icon.svg"];

// The built page names its hashed scripts and styles; caching what it names
// keeps this worker free of a file list that each build would change.
async function precache(): Promise<void> {
  const cache = await caches.open(CACHE);
  const page = await fetch(PAGE, { cache: "no-store" });
  if (!page.ok) throw new Error(`${PAGE}: ${page.status}`);
  const html = await page.clone().text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
  await cache.put(PAGE, await copy(page));
  await cache.addAll([...new Set([...assets, ...EXTRAS])]);
}

// A response that came through a redirect may not answer a navigation, so the
// page is stored as a fresh response with the same body and headers.
async function copy(res: Response): Promise<Response> {
  return new Response(await res.blob(), { status: res.status, statusText: res.statusText, headers: res.headers });
}

worker.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => worker.skipWaiting()));
});

worker.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await worker.clients.claim();
    })(),
  );
});

// The page: from the network when there is one (so a new build arrives), else
// the stored copy. Assets are immutable (hashed names): from the store first.
async function respond(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  if (request.mode === "navigate") {
    try {
      const fresh = await fetch(request);
      if (fresh.ok) await cache.put(PAGE, await copy(fresh.clone()));
      return fresh;
    } catch (error) {
      const stored = await cache.match(PAGE);
      if (stored) return stored;
      throw error;
    }
  }
  const stored = await cache.match(request);
  if (stored) return stored;
  const fresh = await fetch(request);
  if (fresh.ok) await cache.put(request, fresh.clone());
  return fresh;
}

worker.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  event.respondWith(respond(event.request));
});
