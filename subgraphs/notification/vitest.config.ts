import { workspaceConfig } from "../../service-kit/src/testing/vitestConfig.js";

// Processes, not threads: its limit tests measure this process's own RSS, which threads would share.
export default workspaceConfig("notification", { pool: "forks" });
