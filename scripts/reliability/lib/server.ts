// A local `wrangler dev` for the reliability scripts: its own port, its own
// state directory, its output in a log file, and a handle that can stop it
// gently or kill it outright (the fault script needs the latter).
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { ROOT, WRANGLER_JS } from "../../lib/wrangler.ts";

export type Server = {
  base: string;
  pid: number;
  // SIGTERM, then SIGKILL if it has not gone within a few seconds.
  stop(): Promise<void>;
  // SIGKILL to wrangler and the workerd it started: a power cut.
  kill(): Promise<void>;
};

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("could not find a free port");
  return address.port;
}

const READY_TIMEOUT_MS = 60_000;

// Servers live in process groups of their own, which a Ctrl-C on the
// terminal does not reach: whatever is still running goes with this process.
const running = new Set<number>();
process.once("exit", () => {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => process.exit(130));
}

export async function startServer(options: { persistTo: string; log: string; port?: number }): Promise<Server> {
  const port = options.port ?? (await freePort());
  const inspector = await freePort();
  const out = openSync(options.log, "a");
  // Its own process group, so that a kill reaches workerd too, and only the
  // processes started here.
  const child = spawn(
    process.execPath,
    [
      WRANGLER_JS,
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspector),
      "--persist-to",
      options.persistTo,
      "--show-interactive-dev-session=false",
      "--log-level",
      "log",
    ],
    {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", out, out],
      env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
    },
  );
  closeSync(out);
  const base = `http://127.0.0.1:${port}`;
  if (child.pid !== undefined) running.add(child.pid);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      if (child.pid !== undefined) running.delete(child.pid);
      resolve();
    }),
  );
  const signal = (sig: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // The group is already gone.
    }
  };
  const server: Server = {
    base,
    pid: child.pid ?? -1,
    async stop() {
      signal("SIGTERM");
      const gone = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!gone) await server.kill();
    },
    async kill() {
      signal("SIGKILL");
      await Promise.race([exited, sleep(5000)]);
      // workerd may outlive wrangler by a moment; its port frees when it goes.
      await waitUntilClosed(port);
    },
  };
  try {
    await waitUntilReady(base, child);
  } catch (err) {
    await server.kill();
    throw new Error(`${(err as Error).message}; see ${options.log}`);
  }
  return server;
}

async function waitUntilReady(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/api/v1/units`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new Error(`wrangler dev did not answer within ${READY_TIMEOUT_MS / 1000} s`);
}

async function waitUntilClosed(port: number): Promise<void> {
  for (let i = 0; i < 40; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
    } catch {
      return;
    }
    await sleep(250);
  }
  throw new Error(`port ${port} still answers after the server was killed`);
}
