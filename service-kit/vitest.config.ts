import { workspaceConfig } from "./src/testing/vitestConfig.js";

// Restarting dead processes with backoff.
// Its data tests run the process in Asia/Tokyo (process.env.TZ): processes, not threads.
export default workspaceConfig("service-kit", { dialectFree: ["src/stack/__tests__/supervisor.test.ts"], pool: "forks" });
