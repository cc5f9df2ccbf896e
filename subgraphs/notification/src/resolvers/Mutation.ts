import type { NotificationContext } from "../context.js";
import { resendNotification, sendNotification, type SendInput } from "../domain/sendNotification.js";
import { createTemplate, deleteTemplate, updateTemplate, type TemplatePatch } from "../domain/templateOperations.js";
import { validateTemplate, type TemplateInput } from "../domain/validateTemplate.js";

export const Mutation = {
  createNotificationTemplate: (_: unknown, args: { input: TemplateInput }, ctx: NotificationContext) => {
    const template = validateTemplate(args.input);
    return createTemplate(ctx.database, template);
  },
  updateNotificationTemplate: (_: unknown, args: { input: TemplatePatch }, ctx: NotificationContext) => updateTemplate(ctx.database, args.input),
  deleteNotificationTemplate: (_: unknown, args: { name: string }, ctx: NotificationContext) => deleteTemplate(ctx.database, args.name),
  sendNotification: (_: unknown, args: { input: SendInput }, ctx: NotificationContext) => sendNotification(ctx, args.input),
  resendNotification: (_: unknown, args: { id: string }, ctx: NotificationContext) => resendNotification(ctx, args.id),
};
