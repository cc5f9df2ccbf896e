/**
 * The webhook endpoint every receiving service mounts at POST /webhooks/events: it verifies the
 * signature and timestamp, parses the envelope and hands it to the service, which applies it in
 * one transaction together with `markProcessed` (so a redelivered event changes nothing).
 * 2xx acknowledges; anything else makes the producer retry.
 */
import express, { type Express } from "express";
import type { Logger } from "../logger.js";
import { isEnvelope, type EventEnvelope } from "./envelope.js";
import { SIGNATURE_HEADER, SignatureError, verifyWebhook } from "./signature.js";

export const WEBHOOK_PATH = "/webhooks/events";

/** Applies one event; resolves to "applied" or "duplicate". Throws to make the producer retry. */
export type EventHandler = (event: EventEnvelope) => Promise<"applied" | "duplicate" | "ignored">;

export function mountWebhookReceiver(app: Express, options: { secret: string; handle: EventHandler; logger: Logger; toleranceSeconds?: number }): void {
  app.post(WEBHOOK_PATH, express.text({ type: "*/*", limit: "20mb" }), async (req, res) => {
    const body = typeof req.body === "string" ? req.body : "";
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
      event = JSON.parse(body);
    } catch {
      res.status(400).json({ error: "body is not JSON" });
      return;
    }
    if (!isEnvelope(event)) {
      res.status(400).json({ error: "body is not an event envelope" });
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
