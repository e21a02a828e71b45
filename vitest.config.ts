import { defineConfig } from "vitest/config";

// Real-model and end-to-end tests share one loaded model per file and a 2-core machine:
// run files one at a time (no parallel workers fighting for the cores), with long timeouts.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    reporters: ["default"],
  },
});
