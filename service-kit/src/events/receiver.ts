/**
 * The webhook endpoint every receiving service mounts at POST /webhooks/events: it verifies the
 * signature and timestamp, parses the envelope and hands it to the service, which applies it in
 * one transaction together with `markProcessed` (so a redelivered event changes nothing).
 * 2xx acknowledges; anything else makes the producer retry, except PERMANENT_REFUSAL.
 *
 * Before the service sees an event, its data is checked against the event's contract
 * (`@ops/contracts`): a malformed event is refused whole, nothing of it applied, with
 * PERMANENT_REFUSAL and the problems found, because sending it again cannot make it valid — the
 * producer dead-letters it at once instead of retrying. A type without a contract passes through
 * (the service acknowledges it as "ignored").
 */
import { describeProblems, type EventContractCheck } from "@ops/contracts";
import express, { type Express } from "express";
import type { Logger } from "../logger.js";
import { isEnvelope, type EventEnvelope } from "./envelope.js";
import { SIGNATURE_HEADER, SignatureError, verifyWebhook } from "./signature.js";

export const WEBHOOK_PATH = "/webhooks/events";

/**
 * The status of an event that can never be applied (not an event, or not its contract's shape):
 * the dispatcher dead-letters it at once with the receiver's reason instead of retrying.
 */
export const PERMANENT_REFUSAL = 422;

/** Applies one event; resolves to "applied" or "duplicate". Throws to make the producer retry. */
export type EventHandler = (event: EventEnvelope) => Promise<"applied" | "duplicate" | "ignored">;

export interface WebhookReceiverOptions {
  secret: string;
  handle: EventHandler;
  /** The problems of an event's data, null for a type without a contract (`eventProblems`). */
  contracts: EventContractCheck;
  logger: Logger;
  toleranceSeconds?: number;
}

/** Mounts POST /webhooks/events: verify, parse, check the contract, then `handle`. */
export function mountWebhookReceiver(app: Express, options: WebhookReceiverOptions): void {
  const refuse = (res: express.Response, error: string, detail: Record<string, unknown> = {}) => {
    options.logger.warn("event refused", { error, ...detail });
    res.status(PERMANENT_REFUSAL).json({ error, ...detail });
  };
  // The raw bytes: verified as received, decoded once for JSON.parse.
  app.post(WEBHOOK_PATH, express.raw({ type: "*/*", limit: "20mb" }), async (req, res) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      verifyWebhook(options.secret, req.header(SIGNATURE_HEADER), body, options.toleranceSeconds);
    } catch (err) {
      const reason = err instanceof SignatureError ? err.message : "invalid signature";
      options.logger.warn("webhook refused", { reason });
      res.status(401).json({ error: reason });
      return;
    }
    let event: unknown;
    try {
      event = JSON.parse(body.toString("utf8"));
    } catch {
      refuse(res, "body is not JSON");
      return;
    }
    if (!isEnvelope(event)) {
      refuse(res, "body is not an event envelope");
      return;
    }
    const problems = options.contracts(event.type, event.data);
    if (problems && problems.length > 0) {
      refuse(res, `event ${event.id} (${event.type}) does not match its contract: ${describeProblems(problems)}`, { eventId: event.id, type: event.type, source: event.source, problems });
      return;
    }
    try {
      const result = await options.handle(event);
      res.json({ status: result, id: event.id });
    } catch (err) {
      options.logger.error("event handling failed", { eventId: event.id, type: event.type, error: err instanceof Error ? err.message : String(err) });
      res.status(500).json({ error: "event not applied; retry later" });
    }
  });
}
