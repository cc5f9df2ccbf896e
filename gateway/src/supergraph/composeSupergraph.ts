/**
 * Composes the supergraph from rover.yaml with @apollo/composition (Rover itself is a binary
 * download we cannot use here; its config format is kept so Rover users get the same result).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import YAML from "yaml";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const ROVER_CONFIG = path.join(REPO_ROOT, "rover.yaml");
/** The committed composed supergraph the gateway serves. */
export const SUPERGRAPH_FILE = path.join(REPO_ROOT, "gateway", "supergraph.graphql");

interface RoverConfig {
  subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
}

export interface SubgraphDefinition {
  name: string;
  url: string;
  typeDefs: string;
}

/** Reads rover.yaml and each subgraph's schema file. */
export function readSubgraphs(configPath = ROVER_CONFIG): SubgraphDefinition[] {
  const config = YAML.parse(fs.readFileSync(configPath, "utf8")) as RoverConfig;
  return Object.entries(config.subgraphs).map(([name, sub]) => ({
    name,
    url: sub.routing_url,
    typeDefs: fs.readFileSync(path.resolve(path.dirname(configPath), sub.schema.file), "utf8"),
  }));
}

/** Composes the subgraphs; throws with every composition error when they do not compose. */
export function composeSupergraph(subgraphs: SubgraphDefinition[] = readSubgraphs()): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.typeDefs) })));
  if (result.errors) {
    throw new Error(`Supergraph composition failed:\n${result.errors.map((e) => `- ${e.message}`).join("\n")}`);
  }
  return result.supergraphSdl;
}
