import { describe, expect, it } from "vitest";
import { getJson, type Problem } from "./helpers/api.ts";
import { seedBase } from "./helpers/factories.ts";

describe("smoke", () => {
  it("answers unknown routes with a problem", async () => {
    const { status, body } = await getJson<Problem>("/api/v1/nope");
    expect(status).toBe(404);
    expect(body.title).toBe("Not found");
  });
  it("lists provinces", async () => {
    await seedBase();
    const { status, body } = await getJson<{ data: Array<{ code: string }> }>("/api/v1/units");
    expect(status).toBe(200);
    expect(body.data.map((u) => u.code)).toEqual(["98", "99"]);
  });
});
