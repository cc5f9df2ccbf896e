import { workspaceConfig } from "./src/testing/vitestConfig.js";

// Restarting dead processes with backoff.
export default workspaceConfig("service-kit", { dialectFree: ["src/stack/__tests__/supervisor.test.ts"] });
