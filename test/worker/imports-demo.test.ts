import { beforeAll, describe, expect, it } from "vitest";
import { snapshot } from "./helpers/access.ts";
import { request } from "./helpers/api.ts";
import { createToken } from "./helpers/auth.ts";
import { seedDemo } from "./helpers/demo.ts";

let admin: Record<string, string>;

beforeAll(async () => {
  await seedDemo();
  admin = (await createToken("admin")).header;
});

async function roundTrip(kind: "stations" | "villages", format: "csv" | "geojson") {
  const exported = await request(`/api/v1/export/${kind}.${format}`);
  expect(exported.status).toBe(200);
  const type = format === "csv" ? "text/csv" : "application/geo+json";
  return request(`/api/v1/import/${kind}`, {
    method: "POST",
    headers: { ...admin, "Content-Type": type },
    body: await exported.text(),
  });
}

// The open-data exports are files a department would edit and send back: fed
// to the import unchanged, they must change nothing in the demo province.
describe("importing the demo's own exports", () => {
  it("finds every station of the stations CSV unchanged", async () => {
    const before = await snapshot();
    const res = await roundTrip("stations", "csv");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ rows: 2418, created: 0, updated: 0, unchanged: 2418 });
    expect(await snapshot()).toEqual(before);
  });

  it("finds every village of the villages GeoJSON unchanged", async () => {
    const before = await snapshot();
    const res = await roundTrip("villages", "geojson");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ rows: 2072, created: 0, updated: 0, unchanged: 2072 });
    expect(await snapshot()).toEqual(before);
  });
});
