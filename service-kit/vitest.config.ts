import { workspaceConfig } from "./src/testing/vitestConfig.js";

export default workspaceConfig("service-kit");
