/** `npm run compose`: writes gateway/supergraph.graphql from rover.yaml. */
import fs from "node:fs";
import path from "node:path";
import { composeSupergraph, SUPERGRAPH_FILE } from "./composeSupergraph.js";

try {
  fs.writeFileSync(SUPERGRAPH_FILE, composeSupergraph());
  console.log(`Supergraph written to ${path.relative(process.cwd(), SUPERGRAPH_FILE)}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
