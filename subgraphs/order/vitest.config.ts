import { workspaceConfig } from "../../service-kit/src/testing/vitestConfig.js";

export default workspaceConfig("order");
