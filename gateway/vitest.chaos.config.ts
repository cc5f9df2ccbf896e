import { workspaceConfig } from "../service-kit/src/testing/vitestConfig.js";

// Kills and restarts every process under load and bounds each return at 10 s: run alone, after
// every other file, so parallel test files do not slow the restarts it measures.
export default workspaceConfig("gateway-chaos", { include: ["src/__tests__/chaos.test.ts"], alone: true });
