/**
 * The consistency report as served: what the background check found (stored, bounded reads),
 * when it last covered every order, how far the pass in progress is, and each service's outbox
 * figures. A request never starts a check and never scans the orders.
 */
import type { ServiceEvents } from "@ops/service-kit";
import type { ConsistencyStore } from "../consistency/consistencyStore.js";
import type { OutboxFiguresView, PeerReader } from "../peerReader.js";

/** How long the report waits for another service's outbox figures before calling it unavailable. */
const PEER_TIMEOUT_MS = 800;

export async function consistencyReport(store: ConsistencyStore, peers: PeerReader, events: ServiceEvents, args: { minAgeSeconds: number; first: number }) {
  const now = new Date();
  const minSince = new Date(now.getTime() - args.minAgeSeconds * 1000);
  const [state, counts, stored] = await Promise.all([store.state(), store.counts(minSince), store.issues(minSince, args.first)]);
  const issues = stored.map((i) => ({ ...i, ageSeconds: Math.max(0, Math.floor((now.getTime() - i.since.getTime()) / 1000)) }));
  const unavailable = new Set([...state.lastUnavailable, ...state.passUnavailable]);
  const outbox: OutboxFiguresView[] = [{ service: "order", ...(await events.figures()) }];
  const peerFigures = await Promise.allSettled([peers.outboxFigures("payment", PEER_TIMEOUT_MS), peers.outboxFigures("notification", PEER_TIMEOUT_MS)]);
  peerFigures.forEach((r, i) => {
    if (r.status === "fulfilled") outbox.push(r.value);
    else unavailable.add(i === 0 ? "payment" : "notification");
  });
  return {
    generatedAt: now,
    // Every order was checked at or after the start of the last complete pass.
    asOf: state.lastStartedAt,
    checking: state.startedAt ? { startedAt: state.startedAt, checkedOrders: state.checkedOrders, totalOrders: await store.orderCount() } : null,
    issueCount: counts.reduce((sum, c) => sum + c.count, 0),
    counts,
    issues,
    outbox,
    unavailable: [...unavailable].sort(),
  };
}
