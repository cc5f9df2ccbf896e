import { fileURLToPath, URL } from "node:url";
import vue from "@vitejs/plugin-vue";
import { defineProject } from "vitest/config";
import { TEST_WORKERS } from "../service-kit/src/testing/vitestConfig.js";

export default defineProject({
  plugins: [vue()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  test: {
    name: "admin-ui",
    environment: "happy-dom",
    include: ["src/**/*.test.ts"],
    maxWorkers: TEST_WORKERS,
    restoreMocks: true,
    unstubGlobals: true,
  },
});
