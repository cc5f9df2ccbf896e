/** A preview of a stored or inline template against sample data or a real order. */
import { BadUserInputError, NotFoundError, parseId } from "@ops/service-kit";
import type { NotificationExecutor } from "../db/database.js";
import { templateByName } from "../db/templates.js";
import type { Channel } from "./notification.js";
import type { OrderReader } from "../orderClient.js";
import { checkTemplate } from "./checkTemplate.js";
import { renderMessage } from "./renderTemplate.js";
import { characterCount, smsSegments } from "./smsSegments.js";
import { SAMPLE_ORDER, templateContext } from "./templateContext.js";
import { checkSourceLength, MAX_BODY, MAX_SUBJECT } from "./validateTemplate.js";

export interface PreviewInput {
  templateName?: string | null;
  subjectTemplate?: string | null;
  bodyTemplate?: string | null;
  channel?: Channel | null;
  orderId?: string | null;
}

export interface TemplatePreview {
  subject: string | null;
  body: string;
  characterCount: number;
  smsSegments: number | null;
}

async function chooseSource(db: NotificationExecutor, input: PreviewInput) {
  const inline = input.subjectTemplate != null || input.bodyTemplate != null;
  if (input.templateName != null) {
    if (inline) {
      throw new BadUserInputError("Give either templateName or subjectTemplate and bodyTemplate, not both", { field: "input.templateName" });
    }
    const template = await templateByName(db, input.templateName);
    if (!template) throw new NotFoundError(`There is no template named "${input.templateName}"`, { field: "input.templateName", params: { name: input.templateName } });
    return { source: template, channel: input.channel ?? template.channel };
  }
  const channel = input.channel ?? "EMAIL";
  // The limits of saving, checked before anything parses the text (an SMS's ignored subject too).
  if (input.subjectTemplate != null) checkSourceLength(input.subjectTemplate, "input.subjectTemplate", MAX_SUBJECT);
  if (input.bodyTemplate != null) checkSourceLength(input.bodyTemplate, "input.bodyTemplate", MAX_BODY);
  // An SMS has no subject: an inline SMS template may leave it out.
  const needed = channel === "SMS" ? (["bodyTemplate"] as const) : (["subjectTemplate", "bodyTemplate"] as const);
  for (const key of needed) {
    if (input[key] == null) throw new BadUserInputError(`Give templateName, or ${key} with the other inline fields`, { field: `input.${key}` });
    checkTemplate(input[key], `input.${key}`);
  }
  return { source: { subjectTemplate: input.subjectTemplate ?? "", bodyTemplate: input.bodyTemplate! }, channel };
}

/**
 * Renders a template without sending it. Without `orderId` it uses the documented sample order
 * (a Japanese customer); with one it reads the real order from the order service. Inline sources
 * are held to the limits of saving (length, nesting, documented variables); every rendering to the
 * rendering limits (renderLimits.ts).
 */
export async function previewTemplate(deps: { database: { db: NotificationExecutor }; orders: OrderReader }, input: PreviewInput): Promise<TemplatePreview> {
  const { source, channel } = await chooseSource(deps.database.db, input);
  let order = SAMPLE_ORDER;
  if (input.orderId != null) {
    const id = parseId(input.orderId, "input.orderId");
    const found = await deps.orders.fetchOrder(id);
    if (!found) throw new NotFoundError(`Order ${id} does not exist`, { field: "input.orderId", params: { id } });
    order = found;
  }
  const fields = input.templateName != null ? { subject: "input.templateName", body: "input.templateName" } : undefined;
  const { subject, body } = renderMessage(source, channel, templateContext(order), fields);
  return { subject, body, characterCount: characterCount(body), smsSegments: channel === "SMS" ? smsSegments(body) : null };
}
