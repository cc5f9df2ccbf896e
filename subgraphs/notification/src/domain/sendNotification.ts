/**
 * Sending: render from the order's data, store PENDING, hand to the transport, record the outcome.
 * The transport is called outside any transaction so a slow mail server never holds the
 * database's write lock. Callers go through NotificationDelivery (notificationDelivery.ts), which
 * makes sure one notification is never handed to the transport twice.
 */
import { BadUserInputError, ConflictError, isUniqueViolationOn, NotFoundError, parseId } from "@ops/service-kit";
import type { Channel, Notification, NotificationDb, NotificationTx } from "../db.js";
import type { OrderReader } from "../orderClient.js";
import type { NotificationTransport } from "../transport/NotificationTransport.js";
import type { NotificationDelivery } from "./notificationDelivery.js";
import { createPendingNotification, createUnrenderedNotification, recordDelivery, reopenForResend, type DeliveryOutcome } from "./notificationOperations.js";
import { normalisePhoneNumber } from "./phoneNumber.js";
import { RenderLimitError } from "./renderLimits.js";
import { renderMessage, type RenderedMessage } from "./renderTemplate.js";
import { templateContext } from "./templateContext.js";

export interface SendDeps {
  db: NotificationDb;
  orders: OrderReader;
  transport: NotificationTransport;
  delivery: NotificationDelivery;
}

export interface SendInput {
  orderId: string;
  templateName: string;
  channel?: Channel | null;
  phoneNumber?: string | null;
  idempotencyKey?: string | null;
}

const MAX_REASON = 1000;
const MAX_KEY = 200;

/** The caller's idempotency key, trimmed; null without one. */
function idempotencyKeyOf(input: SendInput): string | null {
  if (input.idempotencyKey == null) return null;
  const key = input.idempotencyKey.trim();
  if (!key || key.length > MAX_KEY) {
    throw new BadUserInputError(`An idempotency key has 1–${MAX_KEY} characters`, { field: "input.idempotencyKey", params: { max: MAX_KEY } });
  }
  return key;
}

/**
 * The notification an earlier request with the same key made, when it asked for the same thing;
 * CONFLICT when the key was used for another order, template or channel. Null for a new key.
 */
async function earlierSend(db: NotificationDb, key: string, wanted: { orderId: number; templateName: string; channel: Channel }): Promise<Notification | null> {
  const earlier = await db.notification.findUnique({ where: { idempotencyKey: key } });
  if (!earlier) return null;
  if (earlier.orderId !== wanted.orderId || earlier.templateName !== wanted.templateName || earlier.channel !== wanted.channel) {
    throw new ConflictError(`The idempotency key was used for notification ${earlier.id} (order ${earlier.orderId}, ${earlier.templateName}, ${earlier.channel}); use a new key for another message`, {
      field: "input.idempotencyKey",
      params: { notificationId: earlier.id },
    });
  }
  return earlier;
}

/**
 * Hands a PENDING notification to the transport and records SENT or FAILED (CONFLICT when it is
 * no longer PENDING by then). Use NotificationDelivery.deliver, which calls this once per notification.
 */
export async function deliverNotification(deps: Pick<SendDeps, "db" | "transport">, notification: Notification): Promise<Notification> {
  let outcome: DeliveryOutcome;
  try {
    await deps.transport.send({
      channel: notification.channel,
      recipient: notification.recipient,
      subject: notification.subject,
      body: notification.body ?? "",
      notificationId: notification.id,
    });
    outcome = { ok: true, at: new Date() };
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)) || "the transport gave no reason";
    outcome = { ok: false, reason: reason.slice(0, MAX_REASON) };
  }
  return deps.db.$transaction((tx) => recordDelivery(tx, notification.id, outcome));
}

/**
 * Sends a notification for an order with a template. The channel defaults to the template's;
 * EMAIL goes to the order's e-mail, SMS to `phoneNumber` (required, stored as E.164).
 */
export async function sendNotification(deps: SendDeps, input: SendInput): Promise<Notification> {
  const orderId = parseId(input.orderId, "input.orderId");
  const key = idempotencyKeyOf(input);
  const template = await deps.db.notificationTemplate.findUnique({ where: { name: input.templateName } });
  if (!template) {
    throw new NotFoundError(`There is no template named "${input.templateName}"`, { field: "input.templateName", params: { name: input.templateName } });
  }
  const channel = input.channel ?? template.channel;
  // A repeated request (a retry, a double click) gets the first one's notification, not a second message.
  const repeated = key ? await earlierSend(deps.db, key, { orderId, templateName: template.name, channel }) : null;
  if (repeated) return repeated;
  if (channel === "EMAIL" && !template.subjectTemplate.trim()) {
    throw new BadUserInputError(`The template "${template.name}" has no subject, so it can only be sent as SMS`, { field: "input.channel", params: { channel, template: template.name } });
  }
  let phone: string | null = null;
  if (channel === "SMS") {
    if (!input.phoneNumber?.trim()) {
      throw new BadUserInputError("An SMS needs a phone number: orders hold none", { field: "input.phoneNumber", params: { channel } });
    }
    phone = normalisePhoneNumber(input.phoneNumber);
  }
  const order = await deps.orders.fetchOrder(orderId);
  if (!order) throw new NotFoundError(`Order ${orderId} does not exist`, { field: "input.orderId", params: { id: orderId } });
  const recipient = phone ?? order.customerEmail;
  const wanted = { orderId, channel, templateName: template.name, recipient, idempotencyKey: key };
  let message: RenderedMessage;
  try {
    message = renderMessage(template, channel, templateContext(order), { subject: "input.templateName", body: "input.templateName" });
  } catch (err) {
    // The stored template is too much for this order (a huge order, say): the send is recorded as
    // FAILED with the reason, like any failed delivery, instead of vanishing as a refusal.
    if (!(err instanceof RenderLimitError)) throw err;
    const failureReason = `Template "${template.name}" could not be rendered for order ${orderId}: ${err.message}`.slice(0, MAX_REASON);
    return (await store(deps.db, wanted, (tx) => createUnrenderedNotification(tx, { ...wanted, failureReason }))).notification;
  }
  const { notification: pending, mine } = await store(deps.db, wanted, (tx) => createPendingNotification(tx, { ...wanted, subject: message.subject, body: message.body }));
  if (!mine) return pending;
  return (await deps.delivery.deliver(pending.id)) ?? pending;
}

/**
 * Stores a new notification (`mine`). When the same idempotency key arrived twice at once, the
 * other request stored it first and sends it: this one answers with that notification.
 */
async function store(
  db: NotificationDb,
  wanted: { orderId: number; channel: Channel; templateName: string; idempotencyKey: string | null },
  create: (tx: NotificationTx) => Promise<Notification>,
): Promise<{ notification: Notification; mine: boolean }> {
  const key = wanted.idempotencyKey;
  try {
    return { notification: await db.$transaction((tx) => create(tx)), mine: true };
  } catch (err) {
    if (key && isUniqueViolationOn(err, "idempotency_key")) return { notification: (await earlierSend(db, key, wanted))!, mine: false };
    throw err;
  }
}

/** Re-sends a FAILED notification's stored subject and body to its stored recipient. */
export async function resendNotification(deps: Pick<SendDeps, "db" | "delivery">, rawId: string): Promise<Notification> {
  const id = parseId(rawId);
  const pending = await deps.db.$transaction((tx) => reopenForResend(tx, id));
  return (await deps.delivery.deliver(pending.id)) ?? pending;
}
