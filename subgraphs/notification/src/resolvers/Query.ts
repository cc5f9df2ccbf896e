import { pageSize, parseId, parseOrderRange } from "@ops/service-kit";
import type { NotificationContext } from "../context.js";
import { listNotifications, type NotificationFilter } from "../domain/listNotifications.js";
import { previewTemplate, type PreviewInput } from "../domain/previewTemplate.js";
import { documentedVariables } from "@ops/rules";
import { notificationStatesByOrderRange } from "../db/notificationReads.js";
import { listTemplates, templateByName } from "../db/templates.js";

export const Query = {
  notificationTemplates: (_: unknown, __: unknown, ctx: NotificationContext) => listTemplates(ctx.database.db),
  notificationTemplate: (_: unknown, args: { name: string }, ctx: NotificationContext) => templateByName(ctx.database.db, args.name),
  templateVariables: () => documentedVariables(),
  notification: (_: unknown, args: { id: string }, ctx: NotificationContext) => ctx.loaders.notification.load(parseId(args.id)),
  notifications: (
    _: unknown,
    args: { first?: number | null; after?: string | null; filter?: NotificationFilter | null },
    ctx: NotificationContext,
  ) => listNotifications(ctx.database.db, { first: pageSize(args.first), after: args.after, filter: args.filter }),
  previewTemplate: (_: unknown, args: { input: PreviewInput }, ctx: NotificationContext) => previewTemplate(ctx, args.input),
  notificationStatesByOrderRange: (_: unknown, args: { afterOrderId: number; throughOrderId?: number | null }, ctx: NotificationContext) =>
    notificationStatesByOrderRange(ctx.database.db, parseOrderRange(args.afterOrderId, args.throughOrderId)),
};
