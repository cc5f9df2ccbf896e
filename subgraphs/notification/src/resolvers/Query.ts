import { pageSize, parseId, parseOrderRange } from "@ops/service-kit";
import type { NotificationContext } from "../context.js";
import { listNotifications, type NotificationFilter } from "../domain/listNotifications.js";
import { previewTemplate, type PreviewInput } from "../domain/previewTemplate.js";
import { documentedVariables } from "@ops/rules";
import { notificationStatesByOrderRange } from "../readModel.js";

export const Query = {
  notificationTemplates: (_: unknown, __: unknown, ctx: NotificationContext) =>
    ctx.db.notificationTemplate.findMany({ orderBy: { name: "asc" } }),
  notificationTemplate: (_: unknown, args: { name: string }, ctx: NotificationContext) =>
    ctx.db.notificationTemplate.findUnique({ where: { name: args.name } }),
  templateVariables: () => documentedVariables(),
  notification: (_: unknown, args: { id: string }, ctx: NotificationContext) => ctx.loaders.notification.load(parseId(args.id)),
  notifications: (
    _: unknown,
    args: { first?: number | null; after?: string | null; filter?: NotificationFilter | null },
    ctx: NotificationContext,
  ) => listNotifications(ctx.db, ctx.reader, { first: pageSize(args.first), after: args.after, filter: args.filter }),
  previewTemplate: (_: unknown, args: { input: PreviewInput }, ctx: NotificationContext) => previewTemplate(ctx, args.input),
  notificationStatesByOrderRange: (_: unknown, args: { afterOrderId: number; throughOrderId?: number | null }, ctx: NotificationContext) =>
    notificationStatesByOrderRange(ctx.reader, parseOrderRange(args.afterOrderId, args.throughOrderId)),
};
