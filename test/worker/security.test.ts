import { beforeAll, describe, expect, it } from "vitest";
import { JSON_BODY_MAX_BYTES } from "../../worker/middleware/limits.ts";
import { MAX_BBOX_DEGREES, MAX_PAGE_SIZE } from "../../worker/routes/params.ts";
import { type Principals, principals, send, snapshot } from "./helpers/access.ts";
import { getJson, type Problem, request } from "./helpers/api.ts";
import { insertVillages, recomputeAll, seedBase, villageRow } from "./helpers/factories.ts";

let who: Principals;

beforeAll(async () => {
  await seedBase();
  await insertVillages([villageRow({ code: "SEC-01", name: "Thôn Khoá", lat: 22.7, lon: 105.1 })]);
  await recomputeAll();
  who = await principals("viettel", "vinaphone");
});

const problemOf = async (res: Response) => {
  expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
  return (await res.json()) as Problem;
};

describe("security headers", () => {
  it("API answers, problems included, may load and run nothing and may not be framed", async () => {
    for (const path of ["/api/v1/progress?unit=99", "/api/v1/progress", "/api/v1/nowhere", "/nowhere"]) {
      const res = await request(path);
      expect(res.headers.get("Content-Security-Policy"), path).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get("X-Content-Type-Options"), path).toBe("nosniff");
      expect(res.headers.get("X-Frame-Options"), path).toBe("DENY");
      expect(res.headers.get("Referrer-Policy"), path).toBe("no-referrer");
      // Open data: other sites may embed it.
      expect(res.headers.get("Cross-Origin-Resource-Policy"), path).toBe("cross-origin");
    }
  });

  it("/docs runs scripts and styles from this origin only and cannot be framed", async () => {
    const res = await request("/docs");
    expect(res.status).toBe(200);
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    const directives = Object.fromEntries(
      csp.split(";").map((d) => {
        const [name = "", ...values] = d.trim().split(/\s+/);
        return [name, values.join(" ")];
      }),
    );
    expect(directives).toMatchObject({
      "default-src": "'self'",
      "script-src": "'self'",
      "connect-src": "'self'",
      "object-src": "'none'",
      "base-uri": "'none'",
      "frame-ancestors": "'none'",
    });
    // Every script the page loads is from this origin, and none is inline.
    const page = await res.text();
    expect(page).not.toMatch(/<script(?![^>]*\ssrc="\/)/);
    expect(page).not.toMatch(/\son\w+=/i);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });
});

describe("CORS", () => {
  const preflight = (method: string) =>
    request("/api/v1/stations/st-x", {
      method: "OPTIONS",
      headers: {
        Origin: "https://elsewhere.example",
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type, if-match",
      },
    });

  it("lets any origin read", async () => {
    const res = await request("/api/v1/progress?unit=99", { headers: { Origin: "https://elsewhere.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect((await preflight("GET")).headers.get("Access-Control-Allow-Methods")).toContain("GET");
  });

  it("refuses other origins' browsers every write: no preflight allows a token, nor a write method", async () => {
    const list = (v: string | null) => (v ?? "").split(",").map((m) => m.trim().toLowerCase());
    for (const method of ["PATCH", "POST", "PUT", "DELETE", "GET"]) {
      const res = await preflight(method);
      // Browsers never preflight POST for its method: the token is what must be refused.
      expect(list(res.headers.get("Access-Control-Allow-Headers")), method).not.toContain("authorization");
      if (method !== "GET" && method !== "POST") {
        expect(list(res.headers.get("Access-Control-Allow-Methods")), method).not.toContain(method.toLowerCase());
      }
    }
  });
});

describe("body limits", () => {
  it("refuses a JSON write over the limit with 413 before reading it, and writes nothing", async () => {
    const before = await snapshot();
    const body = { operator_id: "viettel", site_code: "BIG", lat: 22.7, lon: 105.1, technologies: ["4g"] };
    const res = await send(
      { method: "POST", path: "/api/v1/stations", body: { ...body, name: "x".repeat(JSON_BODY_MAX_BYTES) } },
      who.admin,
    );
    expect(res.status).toBe(413);
    const problem = await problemOf(res);
    expect(problem.type).toBe("/docs#problem-payload-too-large");
    expect(problem.detail).toContain(`${JSON_BODY_MAX_BYTES / 1024} KB`);
    expect(await snapshot()).toEqual(before);
  });

  it("counts a body sent without Content-Length (chunked) just the same", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await request("/api/v1/admin/recompute", {
      method: "POST",
      headers: { ...who.admin, "Content-Type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("leaves file uploads to their own, larger limit", async () => {
    const padding = " ".repeat(JSON_BODY_MAX_BYTES);
    const file = `${padding}{"type":"FeatureCollection","features":[]}`;
    const res = await request("/api/v1/import/villages", {
      method: "POST",
      headers: { ...who.admin, "Content-Type": "application/geo+json" },
      body: file,
    });
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  });
});

describe("query limits", () => {
  it(`refuses a bbox wider than ${MAX_BBOX_DEGREES}° and names bbox`, async () => {
    for (const bbox of ["80,0,120,30", "102,8,110,30"]) {
      const { status, body } = await getJson<Problem>(`/api/v1/villages?bbox=${bbox}`);
      expect(status, bbox).toBe(400);
      expect(body.errors).toEqual([
        { field: "bbox", location: "query", problem: `must span at most ${MAX_BBOX_DEGREES}° in each direction` },
      ]);
    }
    // All of Vietnam, islands included, is one bbox.
    expect((await request("/api/v1/villages?bbox=102,6,118,24")).status).toBe(200);
    expect((await request("/api/v1/export/stations.csv?bbox=-180,-90,180,90")).status).toBe(400);
  });

  it("refuses a search longer than D1 can match (a LIKE pattern of 50 bytes) and names q", async () => {
    for (const path of ["/api/v1/villages", "/api/v1/stations", "/api/v1/units", "/api/v1/export/stations.csv"]) {
      expect((await request(`${path}?q=${"a".repeat(48)}`)).status, path).toBe(200);
      for (const q of ["a".repeat(49), "😀".repeat(13), "%".repeat(25)]) {
        const { status, body } = await getJson<Problem>(`${path}?q=${encodeURIComponent(q)}`);
        expect(status, `${path} ${q}`).toBe(400);
        expect(body.errors?.map((e) => e.field)).toEqual(["q"]);
      }
    }
  });

  it(`refuses a page over ${MAX_PAGE_SIZE} and names limit`, async () => {
    const { status, body } = await getJson<Problem>(`/api/v1/stations?limit=${MAX_PAGE_SIZE + 1}`);
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ field: "limit", location: "query" });
  });
});

describe("problems name the field", () => {
  it("an unknown key of a JSON body is named, nested ones with their path", async () => {
    const res = await send(
      {
        method: "PUT",
        path: "/api/v1/admin/coverage-config",
        body: { ranges_km: { "2g": 6, "3g": 4, "4g": 3, "5g": 1, "6g": 1 }, good_fraction: 0.6, colour: "red" },
      },
      who.admin,
    );
    expect(res.status).toBe(400);
    const fields = (await problemOf(res)).errors?.map((e) => e.field).sort();
    expect(fields).toEqual(["colour", "ranges_km.6g"]);
  });

  it("a body that is not JSON is a 400 naming the body, not a bare error", async () => {
    const res = await request("/api/v1/stations", {
      method: "POST",
      headers: { ...who.admin, "Content-Type": "application/json" },
      body: '{"operator_id": "viettel",',
    });
    expect(res.status).toBe(400);
    const problem = await problemOf(res);
    expect(problem.type).toBe("/docs#problem-invalid-input");
    expect(problem.errors).toEqual([{ field: "(body)", location: "body", problem: expect.stringMatching(/JSON/) }]);
  });

  it("a body of another media type is a 415 naming Content-Type", async () => {
    const res = await request("/api/v1/stations", {
      method: "POST",
      headers: { ...who.admin, "Content-Type": "text/plain" },
      body: "operator_id=viettel",
    });
    expect(res.status).toBe(415);
    const problem = await problemOf(res);
    expect(problem.errors).toEqual([{ field: "Content-Type", location: "header", problem: expect.any(String) }]);
  });
});
