/** The gateway's `GET /ready`: each subgraph's state (503 with the same body when one is not up). */
import { NetworkFailure } from "./failures";

/** As the gateway says it: `up`, `down` (cannot connect), `timeout` (no answer in time), `not_ready`. */
export type ServiceState = "up" | "down" | "timeout" | "not_ready";

export interface Readiness {
  ready: boolean;
  services: { name: string; state: ServiceState }[];
}

const STATES: readonly string[] = ["up", "down", "timeout", "not_ready"];

export async function fetchReadiness(): Promise<Readiness> {
  let res: Response;
  try {
    res = await fetch("/ready", { credentials: "same-origin", headers: { accept: "application/json" } });
  } catch (err) {
    throw new NetworkFailure(err);
  }
  const body = (await res.json().catch(() => null)) as { ready?: unknown; services?: Record<string, unknown> } | null;
  if (!body || typeof body.services !== "object" || body.services === null) throw new NetworkFailure(new Error(`GET /ready answered ${res.status}`));
  return {
    ready: body.ready === true,
    // A state this UI does not know yet is shown as down rather than hidden.
    services: Object.entries(body.services).map(([name, state]) => ({ name, state: STATES.includes(String(state)) ? (state as ServiceState) : "down" })),
  };
}
