/** The gateway's `GET /ready`: each subgraph's readiness (503 with the same body when one is down). */
import { NetworkFailure } from "./failures";

export interface Readiness {
  ready: boolean;
  subgraphs: { name: string; ready: boolean }[];
}

export async function fetchReadiness(): Promise<Readiness> {
  let res: Response;
  try {
    res = await fetch("/ready", { credentials: "same-origin", headers: { accept: "application/json" } });
  } catch (err) {
    throw new NetworkFailure(err);
  }
  const body = (await res.json().catch(() => null)) as { status?: string; subgraphs?: { name: string; ready: boolean }[] } | null;
  if (!body || !Array.isArray(body.subgraphs)) throw new NetworkFailure(new Error(`GET /ready answered ${res.status}`));
  return { ready: body.status === "ready", subgraphs: body.subgraphs.map((s) => ({ name: String(s.name), ready: s.ready === true })) };
}
