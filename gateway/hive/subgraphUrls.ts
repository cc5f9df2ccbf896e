/**
 * The committed supergraph with each subgraph's routing URL replaced by the one the stack's
 * configuration gives (`ORDER_URL`, `ORDER_PORT`, …): the file says `http://127.0.0.1:4001/graphql`,
 * while tests and benchmarks run the subgraphs on free ports and production on other hosts.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** `gateway/supergraph.graphql`, composed by `npm run compose` and served by both gateways. */
export const SUPERGRAPH_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "supergraph.graphql");

const JOIN_GRAPH = /@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g;

/**
 * `sdl` with the URL of every `@join__graph(name, url)` taken from `urls` (by subgraph name).
 * Throws when the supergraph names a subgraph `urls` does not know, or lacks one it does: a
 * gateway must never route to a URL nobody configured.
 */
export function withSubgraphUrls(sdl: string, urls: Record<string, string>): string {
  const seen = new Set<string>();
  const result = sdl.replace(JOIN_GRAPH, (_match, name: string) => {
    const url = urls[name];
    if (!url) throw new Error(`The supergraph names subgraph "${name}", for which no URL is configured.`);
    seen.add(name);
    return `@join__graph(name: "${name}", url: ${JSON.stringify(url)})`;
  });
  const missing = Object.keys(urls).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`The supergraph has no subgraph named ${missing.join(", ")}: run npm run compose.`);
  return result;
}

/** The committed supergraph, routed to `urls`. */
export function readSupergraph(urls: Record<string, string>, file = SUPERGRAPH_PATH): string {
  return withSubgraphUrls(fs.readFileSync(file, "utf8"), urls);
}
