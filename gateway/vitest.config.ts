import { workspaceConfig } from "../service-kit/src/testing/vitestConfig.js";

// chaos.test.ts runs alone, after the rest (vitest.chaos.config.ts).
export default workspaceConfig("gateway", { exclude: ["src/__tests__/chaos.test.ts"] });
