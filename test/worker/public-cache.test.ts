import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { request } from "./helpers/api.ts";
import { insertStations, insertVillages, recomputeAll, seedBase, stationRow, villageRow } from "./helpers/factories.ts";

// The public read cache (worker/middleware/cache.ts): an unchanged answer is
// revalidated with 304, and any write, by the API or straight in SQL, is seen
// by the very next read.

const progress = (init?: RequestInit) => request("/api/v1/progress?unit=99", init);

beforeAll(async () => {
  await seedBase();
  await insertVillages([villageRow({ code: "C-1" }), villageRow({ code: "C-2", lat: 23.5 })]);
  await insertStations([stationRow({ id: "st-c1", site_code: "C1" })]);
  await recomputeAll();
});

describe("public reads", () => {
  it("carry an ETag and answer 304 to it while nothing changed", async () => {
    const first = await progress();
    const etag = first.headers.get("ETag");
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers.get("Cache-Control")).toBe("public, no-cache");
    const again = await progress({ headers: { "If-None-Match": etag ?? "" } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("see a write made straight in SQL at the next read", async () => {
    const before = (await (await progress()).json()) as { villages_covered: number };
    const etag = (await progress()).headers.get("ETag") ?? "";
    await env.DB.prepare("UPDATE villages SET coverage_state = 'none', best_tech = NULL WHERE code = 'C-1'").run();
    const revalidated = await progress({ headers: { "If-None-Match": etag } });
    expect(revalidated.status).toBe(200);
    const after = (await revalidated.json()) as { villages_covered: number };
    expect(after.villages_covered).toBe(before.villages_covered - 1);
    expect(((await (await progress()).json()) as { villages_covered: number }).villages_covered).toBe(
      after.villages_covered,
    );
  });

  it("see a new claim in the village's explanation at once", async () => {
    const url = "/api/v1/villages/C-2";
    const claims = async () =>
      ((await (await request(url)).json()) as { explanation: { claims: unknown[] } }).explanation.claims.length;
    const before = await claims();
    await env.DB.prepare(
      "INSERT INTO coverage (village_code, operator_id, tech, source, level, effective, verified_at, updated_at) VALUES ('C-2', 'mobifone', '4g', 'report', 'good', 1, 'now', 'now')",
    ).run();
    expect(await claims()).toBe(before + 1);
  });

  it("leave requests with a token, and a station's own ETag, alone", async () => {
    const withToken = await progress({ headers: { Authorization: "Bearer nothing" } });
    expect(withToken.headers.get("Cache-Control")).toBeNull();
    const station = await request("/api/v1/stations/st-c1");
    expect(station.headers.get("ETag")).toMatch(/^"\d+"$/);
  });
});
