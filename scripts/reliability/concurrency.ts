// 50 writers change stations at once for a while: half of them fight over a
// handful of shared stations, the others each change their own. Every write
// reads the station, sends If-Match with its ETag and an Idempotency-Key, and
// retries what deserves a retry (a 503, a lost connection) with the same key.
// Passes when no update is lost: each acknowledged write is in the audit log
// exactly once, the log holds no write that was not acknowledged, and each
// station ends as its last acknowledged write left it.
//
//   node scripts/reliability/concurrency.ts [--seconds 60] [--writers 50]
import { parseArgs } from "node:util";
import { Checks, type Outcome } from "./lib/check.ts";
import { runAlone, serve, type Workspace } from "./lib/scenario.ts";

type Station = { id: string; name: string | null; antenna_height_m: number | null; status: string; version: number };
type Ack = Station & { key: string };
type AuditEntry = { id: number; action: string; actor: string; entity_id: string; after: Station | null };

const HOT_STATIONS = 5;
const REQUEST_TIMEOUT_MS = 60_000;
const MAX_ATTEMPTS = 6;
// Bounds each writer even if the clock misbehaves.
const MAX_WRITES_PER_WRITER = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Counters = { conflicts: number; retries: Map<string, number>; unexpected: Map<string, number> };

async function send(url: string, init: RequestInit): Promise<Response | Error> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    return err as Error;
  }
}

// One change that really changes something: a writer that sent a no-op would
// be acknowledged without a new version, and prove nothing.
function changeFor(station: Station, writer: number, n: number): Record<string, unknown> {
  if (n % 10 === 9 && (station.status === "on_air" || station.status === "outage")) {
    return { status: station.status === "on_air" ? "outage" : "on_air" };
  }
  if (n % 5 === 4) return { antenna_height_m: station.antenna_height_m === 40 ? 45 : 40 };
  return { name: `w${writer}-${n}-${crypto.randomUUID().slice(0, 8)}` };
}

async function writer(
  base: string,
  auth: string,
  index: number,
  pick: (n: number) => string,
  deadline: number,
  acks: Ack[],
  counters: Counters,
): Promise<void> {
  const count = (map: Map<string, number>, what: string) => map.set(what, (map.get(what) ?? 0) + 1);
  const reason = (res: Response | Error, step: string) =>
    `${step} ${res instanceof Error ? ((res.cause as Error | undefined)?.message ?? res.message) : res.status}`;
  for (let n = 0; n < MAX_WRITES_PER_WRITER && Date.now() < deadline; n++) {
    const id = pick(n);
    const read = await send(`${base}/api/v1/stations/${id}`, {});
    if (read instanceof Error || read.status !== 200) {
      count(counters.retries, reason(read, "GET"));
      if (!(read instanceof Error)) await read.body?.cancel();
      await sleep(200);
      continue;
    }
    const etag = read.headers.get("ETag") as string;
    const current = (await read.json()) as Station;
    const key = crypto.randomUUID();
    const body = JSON.stringify(changeFor(current, index, n));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const res = await send(`${base}/api/v1/stations/${id}`, {
        method: "PATCH",
        headers: {
          Authorization: `Bearer ${auth}`,
          "Content-Type": "application/json",
          "If-Match": etag,
          "Idempotency-Key": key,
        },
        body,
      });
      if (res instanceof Error || res.status === 503 || res.status === 429) {
        count(counters.retries, reason(res, "PATCH"));
        const wait = res instanceof Error ? 1 : Number(res.headers.get("Retry-After") ?? 1);
        if (!(res instanceof Error)) await res.body?.cancel();
        await sleep(Math.min(wait, 5) * 1000 * Math.random());
        continue;
      }
      if (res.status === 200) {
        const after = (await res.json()) as Station;
        acks.push({ ...after, key });
      } else if (res.status === 412) {
        counters.conflicts++;
        await res.body?.cancel();
      } else {
        count(counters.unexpected, `${res.status} ${(await res.text()).slice(0, 200)}`);
      }
      break;
    }
  }
}

async function auditOf(base: string, admin: string, id: string, since: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const params = new URLSearchParams({ entity_type: "station", entity_id: id, since, limit: "1000" });
    if (cursor) params.set("cursor", cursor);
    const res = await fetch(`${base}/api/v1/audit?${params}`, { headers: { Authorization: `Bearer ${admin}` } });
    if (!res.ok) throw new Error(`GET /audit answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { data: AuditEntry[]; next_cursor: string | null };
    entries.push(...body.data);
    cursor = body.next_cursor;
    if (!cursor) return entries;
  }
  throw new Error("the audit log of one station did not end after 1000 pages");
}

export async function concurrency(ws: Workspace, options: { seconds: number; writers: number }): Promise<Outcome> {
  const { server } = await serve(ws, "concurrency");
  try {
    const base = server.base;
    const listed = (await (
      await fetch(
        `${base}/api/v1/stations?unit=02&operator=viettel&status=on_air&limit=${HOT_STATIONS + options.writers}`,
      )
    ).json()) as { data: Station[] };
    const half = Math.floor(options.writers / 2);
    const ids = listed.data.map((s) => s.id);
    const hot = ids.slice(0, HOT_STATIONS);
    const own = ids.slice(HOT_STATIONS, HOT_STATIONS + options.writers - half);
    if (hot.length < HOT_STATIONS || own.length < options.writers - half) {
      throw new Error("the demo province has too few Viettel stations on air");
    }
    const since = new Date(Date.now() - 1000).toISOString();
    const started = Date.now();
    const deadline = started + options.seconds * 1000;
    const acks: Ack[] = [];
    const counters: Counters = { conflicts: 0, retries: new Map(), unexpected: new Map() };
    // The operator's own token and the department's: both may change these.
    await Promise.all(
      Array.from({ length: options.writers }, (_, w) => {
        const token = w % 2 === 0 ? ws.tokens.viettel : ws.tokens.admin;
        const pick = w < half ? (n: number) => hot[(w + n) % hot.length] as string : () => own[w - half] as string;
        return writer(base, token, w, pick, deadline, acks, counters);
      }),
    );
    const elapsed = (Date.now() - started) / 1000;

    const checks = new Checks();
    let lost = 0;
    let auditMismatches = 0;
    for (const id of [...hot, ...own]) {
      const mine = acks.filter((a) => a.id === id);
      const versions = mine.map((a) => a.version);
      // Two acknowledged writes with one version: one overwrote the other.
      const duplicated = versions.length - new Set(versions).size;
      lost += duplicated;
      checks.expect(duplicated === 0, `${id}: ${duplicated} acknowledged writes share a version`);
      const last = mine.reduce<Ack | undefined>((a, b) => (a && a.version > b.version ? a : b), undefined);
      const final = (await (await fetch(`${base}/api/v1/stations/${id}`)).json()) as Station;
      if (last) {
        const same =
          final.version === last.version &&
          final.name === last.name &&
          final.antenna_height_m === last.antenna_height_m &&
          final.status === last.status;
        if (!same) lost++;
        checks.expect(
          same,
          `${id}: ends at version ${final.version}, not as its last acknowledged write (${last.version}) left it`,
        );
      }
      const audit = (await auditOf(base, ws.tokens.admin, id, since)).filter((e) => e.action === "update");
      for (const ack of mine) {
        const found = audit.filter((e) => e.after?.version === ack.version).length;
        if (found !== 1) auditMismatches++;
        checks.expect(found === 1, `${id} version ${ack.version}: ${found} audit entries instead of 1`);
      }
      const unacknowledged = audit.filter((e) => !versions.includes(e.after?.version ?? -1));
      auditMismatches += unacknowledged.length;
      checks.expect(
        unacknowledged.length === 0,
        `${id}: ${unacknowledged.length} audit entries without an acknowledged write`,
      );
    }
    const unexpected = [...counters.unexpected].map(([what, n]) => `${n}× ${what}`);
    checks.expect(unexpected.length === 0, `unexpected answers: ${unexpected.join("; ")}`);
    checks.expect(acks.length > 0, "no write was acknowledged");

    return {
      name: `concurrency: ${options.writers} writers for ${options.seconds} s`,
      figures: {
        "stations (shared / own)": `${hot.length} / ${own.length}`,
        "acknowledged writes": acks.length,
        "writes per second": (acks.length / elapsed).toFixed(1),
        "412 conflicts (re-read and retried)": counters.conflicts,
        "retries (503, 429, lost connection)":
          [...counters.retries].map(([what, n]) => `${n}× ${what}`).join("; ") || 0,
        "lost updates": lost,
        "audit mismatches": auditMismatches,
      },
      failures: checks.failures,
    };
  } finally {
    await server.stop();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { seconds: { type: "string", default: "60" }, writers: { type: "string", default: "50" } },
  });
  await runAlone((ws) => concurrency(ws, { seconds: Number(values.seconds), writers: Number(values.writers) }));
}
