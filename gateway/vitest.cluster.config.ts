import { fileURLToPath } from "node:url";
import { workspaceConfig } from "../service-kit/src/testing/vitestConfig.js";

// Replicas behind nginx on PostgreSQL (`npm run test:cluster`, which passes this file as
// --config, so the root is set here): ten processes per file, so one file at a time, alone.
export default {
  ...workspaceConfig("cluster", { include: ["src/__tests__/cluster/**/*.test.ts"], alone: true }),
  root: fileURLToPath(new URL(".", import.meta.url)),
};
