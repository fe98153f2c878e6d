import { defineProject } from "vitest/config";

// The page tests: real Chromium against `wrangler dev` serving the built front
// end and a freshly seeded local D1 (see global-setup.ts). One browser and one
// server are shared, so the files run one after another.
export default defineProject({
  test: {
    name: "web",
    environment: "node",
    include: ["test/web/**/*.test.ts"],
    globalSetup: ["test/web/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // Pages settle on their own schedule: a poll waits for its condition as
    // long as a page may take under load, not vitest's default second.
    expect: { poll: { timeout: 20_000, interval: 50 } },
  },
});
