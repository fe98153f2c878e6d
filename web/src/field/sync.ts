import { bearer, client } from "../api.ts";
import { backoffMs, verdictOf } from "./retry.ts";
import { type MeasurementResult, type QueueItem, queueItems, saveItem } from "./store.ts";

const LOCK = "phu-song-field-sync";

export type Sync = {
  // Sends every reading that is due, one at a time, oldest first.
  run(): Promise<void>;
  // Makes a refused or waiting reading due now and sends.
  retry(key: string): Promise<void>;
};

function send(item: QueueItem, token: string | undefined) {
  return client.api.v1.measurements.$post(
    { json: item.reading, header: { "idempotency-key": item.key } },
    { headers: item.staff && token ? bearer(token) : {} },
  );
}

function detailOf(body: unknown, status: number): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  return `${status}${typeof detail === "string" ? ` · ${detail}` : ""}`;
}

const due = (item: QueueItem, now: number) =>
  (item.state === "pending" || item.state === "sending") &&
  (item.next_attempt_at === null || Date.parse(item.next_attempt_at) <= now);

export function createSync(options: { token(): Promise<string | undefined>; changed(): void }): Sync {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const update = async (item: QueueItem) => {
    await saveItem(item);
    options.changed();
  };

  async function sendOne(item: QueueItem): Promise<void> {
    // Marked before the request leaves: if the page closes now, the reading
    // is resent on the next visit, and its key makes the resend harmless.
    await update({ ...item, state: "sending" });
    const attempts = item.attempts + 1;
    const later = async (afterMs: number | null, error: string) =>
      update({
        ...item,
        state: "pending",
        attempts,
        last_error: error,
        next_attempt_at: new Date(Date.now() + (afterMs ?? backoffMs(attempts))).toISOString(),
      });
    let res: Awaited<ReturnType<typeof send>>;
    try {
      res = await send(item, await options.token());
    } catch (error) {
      return later(null, error instanceof Error ? error.message : String(error));
    }
    const body: unknown = await res.json().catch(() => null);
    const verdict = verdictOf(res.status, res.headers.get("Retry-After"));
    if (verdict.kind === "retry") return later(verdict.after_ms, detailOf(body, res.status));
    if (verdict.kind === "refused") {
      return update({ ...item, state: "rejected", attempts, last_error: detailOf(body, res.status) });
    }
    const result = body as MeasurementResult;
    return update({
      ...item,
      state: "sent",
      attempts,
      last_error: null,
      next_attempt_at: null,
      result: { village: result.village, counts_as: result.counts_as, challenge_opened: result.challenge_opened },
    });
  }

  async function pass(): Promise<void> {
    for (const item of await queueItems()) {
      if (!navigator.onLine) return;
      if (due(item, Date.now())) await sendOne(item);
    }
  }

  async function schedule(): Promise<void> {
    clearTimeout(timer);
    const waiting = (await queueItems()).filter((i) => i.state === "pending" && i.next_attempt_at !== null);
    if (waiting.length === 0) return;
    const next = Math.min(...waiting.map((i) => Date.parse(i.next_attempt_at as string)));
    timer = setTimeout(() => void sync.run(), Math.max(0, next - Date.now()));
  }

  // One pass at a time in this page, and across the page's open tabs when the
  // browser has Web Locks; a request during a pass runs another pass after it.
  async function loop(): Promise<void> {
    do {
      again = false;
      if (navigator.locks) await navigator.locks.request(LOCK, pass);
      else await pass();
    } while (again);
    await schedule();
  }

  const sync: Sync = {
    run() {
      if (running) {
        again = true;
        return running;
      }
      running = loop().finally(() => {
        running = undefined;
      });
      return running;
    },
    async retry(key) {
      const item = (await queueItems()).find((i) => i.key === key);
      if (!item || item.state === "sent") return;
      await update({ ...item, state: "pending", next_attempt_at: null });
      await sync.run();
    },
  };

  // A returning connection makes every waiting reading due at once: the
  // backoff is for a server that fails, not for a network that was away.
  window.addEventListener("online", () => {
    void (async () => {
      for (const item of await queueItems()) {
        if (item.state === "pending" && item.next_attempt_at !== null) {
          await saveItem({ ...item, next_attempt_at: null });
        }
      }
      options.changed();
      await sync.run();
    })();
  });
  return sync;
}
