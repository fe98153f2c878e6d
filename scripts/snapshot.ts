// Takes today's progress snapshot on a running server:
//
//   npm run snapshot                                   # local `wrangler dev` (npm start)
//   npm run snapshot -- --url https://… --token TOKEN  # a deployed instance, as the department
//
// Locally it fires the worker's scheduled handler, the very code the daily
// cron runs, through the trigger wrangler dev offers at
// /cdn-cgi/local/scheduled. With a token it calls POST /api/v1/admin/snapshot,
// which runs the same function and also records who asked.
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:8787" },
    token: { type: "string", default: process.env.PHUSONG_TOKEN },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function call(url: URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    fail(`Cannot reach ${values.url}: ${(err as Error).message}. Is the server running (npm start)?`);
  }
}

if (values.token) {
  const res = await call(new URL("/api/v1/admin/snapshot", values.url), {
    method: "POST",
    headers: { Authorization: `Bearer ${values.token}` },
  });
  const body = (await res.json()) as { date?: string; units?: number; detail?: string };
  if (!res.ok) fail(`Snapshot refused (${res.status}): ${body.detail ?? ""}`);
  console.log(`Snapshot of ${body.units} units stored for ${body.date}.`);
} else {
  const trigger = new URL("/cdn-cgi/local/scheduled", values.url);
  trigger.searchParams.set("cron", "0 17 * * *");
  trigger.searchParams.set("time", String(Date.now()));
  const res = await call(trigger);
  const outcome = (await res.text()).trim();
  if (!res.ok) fail(`The scheduled handler failed (${res.status} ${outcome}); see the server's log.`);
  console.log(
    `Scheduled handler ran (${outcome}): today's snapshot is stored. See GET /api/v1/progress/history?unit=…`,
  );
}
