/**
 * Sending: render from the order's data, store PENDING, then hand it to NotificationDelivery
 * (notificationDelivery.ts), which claims it, calls the transport and records the outcome, so one
 * notification is never handed to the transport twice.
 */
import { BadUserInputError, ConflictError, NotFoundError, parseId } from "@ops/service-kit";
import { databaseError } from "@ops/service-kit/data";
import type { NotificationDatabase } from "../db/database.js";
import { insertNotification, notificationById, notificationByIdempotencyKey, reopenFailed, type NewNotification } from "../db/notifications.js";
import { templateByName } from "../db/templates.js";
import type { OrderReader } from "../orderClient.js";
import type { Channel, Notification } from "./notification.js";
import type { NotificationDelivery } from "./notificationDelivery.js";
import { normalisePhoneNumber } from "./phoneNumber.js";
import { RenderLimitError } from "./renderLimits.js";
import { renderMessage, type RenderedMessage } from "./renderTemplate.js";
import { assertResendable, notResendable } from "./resendRule.js";
import { templateContext } from "./templateContext.js";

export interface SendDeps {
  database: NotificationDatabase;
  orders: OrderReader;
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
async function earlierSend(database: NotificationDatabase, key: string, wanted: { orderId: number; templateName: string; channel: Channel }): Promise<Notification | null> {
  const earlier = await notificationByIdempotencyKey(database.db, key);
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
 * Sends a notification for an order with a template. The channel defaults to the template's;
 * EMAIL goes to the order's e-mail, SMS to `phoneNumber` (required, stored as E.164).
 */
export async function sendNotification(deps: SendDeps, input: SendInput): Promise<Notification> {
  const orderId = parseId(input.orderId, "input.orderId");
  const key = idempotencyKeyOf(input);
  const template = await templateByName(deps.database.db, input.templateName);
  if (!template) {
    throw new NotFoundError(`There is no template named "${input.templateName}"`, { field: "input.templateName", params: { name: input.templateName } });
  }
  const channel = input.channel ?? template.channel;
  // A repeated request (a retry, a double click) gets the first one's notification, not a second message.
  const repeated = key ? await earlierSend(deps.database, key, { orderId, templateName: template.name, channel }) : null;
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
    return (await store(deps.database, { ...wanted, subject: null, body: null, status: "FAILED", failureReason })).notification;
  }
  const { notification: pending, mine } = await store(deps.database, { ...wanted, subject: message.subject, body: message.body, status: "PENDING" });
  if (!mine) return pending;
  return (await deps.delivery.deliver(pending.id)) ?? pending;
}

/**
 * Stores a new notification (`mine`). When the same idempotency key arrived twice at once, the
 * other request stored it first and sends it: this one answers with that notification.
 */
async function store(database: NotificationDatabase, notification: NewNotification): Promise<{ notification: Notification; mine: boolean }> {
  const key = notification.idempotencyKey;
  try {
    return { notification: await database.transaction((trx) => insertNotification(trx, notification)), mine: true };
  } catch (err) {
    const clash = databaseError(err);
    if (key && clash?.kind === "unique" && clash.column === "idempotency_key") return { notification: (await earlierSend(database, key, notification))!, mine: false };
    throw err;
  }
}

/** Re-sends a FAILED notification's stored subject and body to its stored recipient. */
export async function resendNotification(deps: Pick<SendDeps, "database" | "delivery">, rawId: string): Promise<Notification> {
  const id = parseId(rawId);
  const pending = await deps.database.transaction(async (trx) => {
    assertResendable(id, await notificationById(trx, id));
    // The status guard makes a concurrent second resend fail instead of sending twice.
    const reopened = await reopenFailed(trx, id);
    if (!reopened) throw notResendable(id, "being resent");
    return reopened;
  });
  return (await deps.delivery.deliver(pending.id)) ?? pending;
}
