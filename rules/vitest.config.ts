import { defineConfig } from "vitest/config";
import { TEST_WORKERS } from "../service-kit/src/testing/vitestConfig.js";

export default defineConfig({ test: { name: "rules", include: ["src/**/*.test.ts"], maxWorkers: TEST_WORKERS } });
