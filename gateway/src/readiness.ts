/**
 * The gateway's readiness: each subgraph's own `/ready`, asked in parallel with a short timeout,
 * so `GET /ready` says which service is down while the gateway itself keeps answering.
 */

/** `up`: ready; `not_ready`: answers but cannot serve (its database); `timeout`: no answer in time; `down`: nothing listens. */
export type ServiceState = "up" | "not_ready" | "timeout" | "down";

export interface Readiness {
  /** Every subgraph is up. */
  ready: boolean;
  status: "ready" | "degraded";
  services: Record<string, ServiceState>;
}

/** Asks each subgraph's `/ready` (next to its GraphQL URL in `urls`), waiting `timeoutMs` at most. */
export async function readiness(urls: Record<string, string>, timeoutMs = 2000): Promise<Readiness> {
  const states = await Promise.all(
    Object.entries(urls).map(async ([name, url]): Promise<[string, ServiceState]> => {
      try {
        const res = await fetch(url.replace(/\/graphql$/, "/ready"), { signal: AbortSignal.timeout(timeoutMs) });
        await res.body?.cancel();
        return [name, res.ok ? "up" : "not_ready"];
      } catch (err) {
        return [name, err instanceof DOMException && err.name === "TimeoutError" ? "timeout" : "down"];
      }
    }),
  );
  const ready = states.every(([, state]) => state === "up");
  return { ready, status: ready ? "ready" : "degraded", services: Object.fromEntries(states) };
}
