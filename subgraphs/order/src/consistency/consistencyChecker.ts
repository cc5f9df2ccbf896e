/**
 * The background consistency check (DESIGN sections 5 and 9): walks the orders in ranges of
 * PAGE order ids, asks the payment and notification services about the same range (never their
 * databases), and replaces that range's stored issues — one bounded page at a time, paced so it
 * takes at most about a third of a core, a full pass every CONSISTENCY_INTERVAL_MS. The report
 * serves what the last passes found, with their time; no request ever scans the orders.
 */
import type { Logger } from "@ops/service-kit";
import { findInconsistencies, type IssueKind, type NotificationView, type PaymentView } from "../domain/consistency.js";
import type { PeerReader } from "../peerReader.js";
import type { ConsistencyStore } from "./consistencyStore.js";

/** Order ids per range: small enough for one quick answer from each service. */
const PAGE = 2_000;
const PAYMENT_KINDS: IssueKind[] = ["PAID_BUT_PENDING", "CANCELLED_NOT_REFUNDED", "PAYMENT_WITHOUT_ORDER"];
const NOTIFICATION_KINDS: IssueKind[] = ["MISSING_NOTIFICATION", "NOTIFICATION_WITHOUT_ORDER"];

export interface ConsistencyCheckerOptions {
  /** Time between the end of a pass and the start of the next (default 60 s). */
  intervalMs?: number;
  /** How often an idle checker looks for a requested pass (default 1 s). */
  pollMs?: number;
  /** Pause after each page, as a multiple of the time the page took (default 2: ≤ ⅓ of a core). */
  pace?: number;
  /**
   * False: no pass starts on its own, only when asked (`request`). Tests whose services count
   * their SQL statements turn it off, as a pass queries the other services in the background.
   */
  autoStart?: boolean;
}

export interface ConsistencyChecker {
  /** Asks for a pass now (after the one running, if any). */
  request(): Promise<void>;
  stop(): Promise<void>;
}

export function startConsistencyChecker(store: ConsistencyStore, peers: PeerReader, logger: Logger, options: ConsistencyCheckerOptions = {}): ConsistencyChecker {
  const intervalMs = options.intervalMs ?? 60_000;
  const pollMs = options.pollMs ?? 1_000;
  const pace = options.pace ?? 2;
  const autoStart = options.autoStart ?? true;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  /** One step: start a pass, check one range, or finish; returns how long to wait before the next. */
  async function step(): Promise<number> {
    const state = await store.state();
    const now = new Date();
    if (!state.startedAt) {
      const due = state.requestedAt !== null || (autoStart && (!state.lastFinishedAt || now.getTime() - state.lastFinishedAt.getTime() >= intervalMs));
      if (!due) return pollMs;
      await store.beginPass(now);
      return 0;
    }
    const started = performance.now();
    const after = state.cursor;
    const next = await store.nextOrderId(after);
    // The last range is open-ended: payments and notifications of ids above every order are "without order".
    const through = next === null ? null : Math.max(next, after + PAGE);
    const orders = await store.orders(after, through);
    const range = { after, through };
    const [payments, notifications] = await Promise.allSettled([peers.payments(range), peers.notifications(range)]);
    const unavailable: string[] = [];
    let paymentViews: PaymentView[] | null = null;
    let notificationViews: NotificationView[] | null = null;
    if (payments.status === "fulfilled") paymentViews = payments.value;
    else unavailable.push("payment");
    if (notifications.status === "fulfilled") notificationViews = notifications.value;
    else unavailable.push("notification");
    const issues = findInconsistencies(orders, paymentViews, notificationViews);
    // Kinds whose service could not be read keep what an earlier pass found for this range.
    const kinds = [...(paymentViews ? PAYMENT_KINDS : []), ...(notificationViews ? NOTIFICATION_KINDS : [])];
    await store.savePage({ after, through, kinds, issues, orders: orders.length, unavailable, at: now });
    if (through === null) {
      await store.finishPass(new Date());
      logger.info("consistency check finished", { orders: state.checkedOrders + orders.length, issues: issues.length, unavailable });
      return pollMs;
    }
    return Math.round((performance.now() - started) * pace);
  }

  function schedule(ms: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = step()
        .then(schedule, (err: unknown) => {
          logger.error("consistency check step failed", { error: err instanceof Error ? err.message : String(err) });
          schedule(Math.max(pollMs, 5_000));
        });
    }, ms);
    timer.unref();
  }
  schedule(0);

  return {
    async request() {
      await store.request(new Date());
      if (timer && !stopped) {
        clearTimeout(timer);
        schedule(0);
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
