import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { hashToken } from "../../worker/auth/tokens.ts";
import { isTransientStorageError } from "../../worker/errors.ts";
import worker from "../../worker/index.ts";
import { snapshot } from "./helpers/access.ts";
import { BASE, type Problem } from "./helpers/api.ts";
import { createToken, type TestToken } from "./helpers/auth.ts";
import { insertStations, insertVillages, recomputeAll, seedBase, stationRow, villageRow } from "./helpers/factories.ts";

// The messages D1 documents with "retry the operation" as the remedy
// (developers.cloudflare.com/d1/observability/debug-d1/#error-list).
const TRANSIENT = [
  "D1 DB reset because its code was updated.",
  "Internal error while starting up D1 DB storage caused object to be reset.",
  "Network connection lost.",
  "Internal error in D1 DB storage caused object to be reset.",
  "Cannot resolve D1 DB due to transient issue on remote node.",
  "Can't read from request stream because client disconnected.",
  "D1 DB storage operation exceeded timeout which caused object to be reset.",
  "D1 DB is overloaded. Requests queued for too long.",
  "D1 DB is overloaded. Too many requests queued.",
  "D1 DB's isolate exceeded its memory limit and was reset.",
];

// As the D1 binding throws: the message prefixed, the bare one as the cause.
const d1Error = (message: string) => new Error(`D1_ERROR: ${message}`, { cause: new Error(message) });

type Failure =
  | { when: (sql: string) => boolean; error: () => Error }
  | { when: (sql: string) => boolean; rewrite: (sql: string) => string };

// The real database, except that statements matching `when` fail: with a
// given error, or for real, by sending D1 broken SQL.
function faultyDb(db: D1Database, failure: Failure): D1Database {
  const failing = new WeakSet<object>();
  const fail = () => {
    throw "error" in failure ? failure.error() : new Error("unreachable");
  };
  const broken = (): D1PreparedStatement => {
    const stmt = { bind: () => stmt, first: fail, run: fail, all: fail, raw: fail } as unknown as D1PreparedStatement;
    failing.add(stmt);
    return stmt;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          if (!failure.when(sql)) return target.prepare(sql);
          return "rewrite" in failure ? target.prepare(failure.rewrite(sql)) : broken();
        };
      }
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          if (statements.some((s) => failing.has(s))) fail();
          return target.batch(statements);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function fetchWith(db: D1Database, path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${path}`, init), { ...env, DB: db }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const everything = () => true;
let admin: TestToken;
let logged: string[];

beforeAll(async () => {
  await seedBase();
  await insertVillages([villageRow({ code: "ST-01", name: "Thôn Kho", lat: 22.6, lon: 105.2 })]);
  await insertStations([stationRow({ id: "st-store-1", site_code: "ST-1", lat: 22.6, lon: 105.2 })]);
  await recomputeAll();
  admin = await createToken("admin", null, "storage");
});

afterEach(() => {
  vi.restoreAllMocks();
});

function captureLogs() {
  logged = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    logged.push(args.map(String).join(" "));
  });
}

async function expectNoLeak(res: Response, ...secrets: string[]) {
  const text = await res.text();
  expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+|D1_ERROR|SQLITE|select |insert /i);
  for (const s of secrets) expect(text).not.toContain(s);
  return JSON.parse(text) as Problem;
}

describe("a transient D1 failure", () => {
  it.each(TRANSIENT)("'%s' is a 503 problem with Retry-After and no stack", async (message) => {
    captureLogs();
    const res = await fetchWith(
      faultyDb(env.DB, { when: everything, error: () => d1Error(message) }),
      "/api/v1/progress?unit=99",
    );
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
    const problem = await expectNoLeak(res, message);
    expect(problem).toMatchObject({ status: 503, type: "/docs#problem-storage-unavailable" });
    // The operator learns what failed from the log, with the request id.
    expect(logged.join("\n")).toContain(message);
    expect(logged.join("\n")).toContain(res.headers.get("X-Request-Id") as string);
  });

  it("in the middle of a write leaves the database as it was", async () => {
    const before = await snapshot();
    const db = faultyDb(env.DB, {
      when: (sql) => /^update "stations"/i.test(sql),
      error: () => d1Error("Network connection lost."),
    });
    captureLogs();
    const res = await fetchWith(db, "/api/v1/stations/st-store-1", {
      method: "PATCH",
      headers: { ...admin.header, "Content-Type": "application/json", "If-Match": '"1"' },
      body: JSON.stringify({ status: "outage" }),
    });
    expect(res.status).toBe(503);
    await expectNoLeak(res);
    expect(await snapshot()).toEqual(before);
  });

  it("while looking up the token logs neither the token nor its digest", async () => {
    captureLogs();
    const db = faultyDb(env.DB, {
      when: (sql) => sql.includes('"api_tokens"'),
      error: () => d1Error("D1 DB is overloaded. Too many requests queued."),
    });
    const res = await fetchWith(db, "/api/v1/auth/me", { headers: admin.header });
    expect(res.status).toBe(503);
    const digest = await hashToken(admin.token);
    await expectNoLeak(res, admin.token, digest);
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(line).not.toContain(admin.token);
      expect(line).not.toContain(digest);
    }
    expect(logged.join("\n")).toMatch(/query: select .*api_tokens/);
  });
});

describe("a D1 error that is our bug", () => {
  it("is a generic 500 quoting the request id, never the message or the SQL", async () => {
    captureLogs();
    const db = faultyDb(env.DB, { when: (sql) => /from "villages"/i.test(sql), rewrite: (sql) => `${sql} GARBAGE` });
    const res = await fetchWith(db, "/api/v1/villages?unit=99");
    expect(res.status).toBe(500);
    const problem = await expectNoLeak(res, "GARBAGE");
    expect(problem.type).toBe("/docs#problem-internal");
    expect(problem.detail).toContain(res.headers.get("X-Request-Id") as string);
    expect(logged.join("\n")).toMatch(/syntax error/);
  });
});

describe("isTransientStorageError", () => {
  it("knows every documented retryable D1 message, bare, prefixed or wrapped by drizzle", () => {
    for (const message of TRANSIENT) {
      expect(isTransientStorageError(new Error(message)), message).toBe(true);
      expect(isTransientStorageError(d1Error(message)), message).toBe(true);
      expect(isTransientStorageError(new DrizzleQueryError("select 1", [], d1Error(message))), message).toBe(true);
    }
  });

  it("does not mistake the errors local D1 really raises for our own mistakes", async () => {
    const real: Error[] = [];
    const variables = Array.from({ length: 40_000 }, () => 1);
    for (const [sql, params] of [
      ["SELEC 1", []],
      ["SELECT * FROM no_such_table", []],
      ["INSERT INTO operators (id, name, color) VALUES ('x-dup', 'a', 'b'), ('x-dup', 'a', 'b')", []],
      [`SELECT ${variables.map(() => "?").join(",")}`, variables],
    ] as Array<[string, number[]]>) {
      const error = await env.DB.prepare(sql)
        .bind(...params)
        .run()
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(error, sql.slice(0, 40)).toBeInstanceOf(Error);
      real.push(error as Error);
    }
    for (const error of real) expect(isTransientStorageError(error), error.message).toBe(false);
  });

  it("is not fooled by client data among a failed query's parameters", () => {
    const constraint = d1Error("UNIQUE constraint failed: stations.operator_id, stations.site_code: SQLITE_CONSTRAINT");
    const error = new DrizzleQueryError(
      "insert into stations values (?)",
      ["Network connection lost. overloaded"],
      constraint,
    );
    expect(isTransientStorageError(error)).toBe(false);
  });
});
