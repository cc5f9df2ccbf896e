/**
 * Routes and their guards. Hash history: the gateway serves `dist/` as static files without a
 * fallback to index.html, so `/#/orders/12` survives a reload where `/orders/12` would not.
 */
import { createRouter, createWebHashHistory, type RouteLocationNormalized, type RouteLocationRaw, type Router, type RouterHistory } from "vue-router";
import type { Role } from "@/domain/roles";
import type { MessageKey } from "@/i18n";
import { useSession } from "@/composables/useSession";

declare module "vue-router" {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** The least role the page is for (the server checks each action again). */
    minRole?: Role;
    titleKey?: MessageKey;
  }
}

export const routes = [
  { path: "/", name: "dashboard", component: () => import("@/pages/DashboardPage.vue"), meta: { titleKey: "nav.dashboard" } },
  { path: "/orders", name: "orders", component: () => import("@/pages/OrdersPage.vue"), meta: { titleKey: "orders.title" } },
  { path: "/orders/new", name: "order-new", component: () => import("@/pages/OrderCreatePage.vue"), meta: { titleKey: "create.title", minRole: "operator" } },
  { path: "/orders/:id", name: "order", component: () => import("@/pages/OrderDetailPage.vue"), props: true, meta: { titleKey: "order.summary" } },
  { path: "/notifications", name: "notifications", component: () => import("@/pages/NotificationsPage.vue"), meta: { titleKey: "nav.notifications" } },
  { path: "/templates", name: "templates", component: () => import("@/pages/TemplatesPage.vue"), meta: { titleKey: "nav.templates" } },
  { path: "/templates/:name", name: "template", component: () => import("@/pages/TemplateEditPage.vue"), props: true, meta: { titleKey: "nav.templates" } },
  { path: "/imports", name: "imports", component: () => import("@/pages/ImportsPage.vue"), meta: { titleKey: "nav.imports" } },
  { path: "/imports/new", name: "import-new", component: () => import("@/pages/ImportNewPage.vue"), meta: { titleKey: "nav.newImport", minRole: "operator" } },
  { path: "/imports/:id", name: "import", component: () => import("@/pages/ImportDetailPage.vue"), props: true, meta: { titleKey: "nav.imports" } },
  { path: "/batches/:batchId", name: "batch", component: () => import("@/pages/BatchPage.vue"), props: true, meta: { titleKey: "nav.imports" } },
  { path: "/sign-in", name: "sign-in", component: () => import("@/pages/SignInPage.vue"), meta: { public: true, titleKey: "signIn.title" } },
  { path: "/password", name: "password", component: () => import("@/pages/PasswordPage.vue"), meta: { titleKey: "password.title" } },
  { path: "/forbidden", name: "forbidden", component: () => import("@/pages/ForbiddenPage.vue"), meta: { titleKey: "forbidden.title" } },
  { path: "/:pathMatch(.*)*", name: "not-found", component: () => import("@/pages/NotFoundPage.vue"), meta: { public: true, titleKey: "notFound.title" } },
] as const;

/** Where a navigation to `to` must go instead, or true to let it through. */
export async function guardNavigation(to: RouteLocationNormalized): Promise<true | RouteLocationRaw> {
  const session = useSession();
  if (!session.state.checked) await session.refresh();
  const user = session.user.value;
  if (!user) {
    if (to.meta.public) return true;
    return { name: "sign-in", query: to.fullPath !== "/" ? { redirect: to.fullPath } : {} };
  }
  if (to.name === "sign-in") return { name: "dashboard" };
  if (user.mustChangePassword && to.name !== "password") return { name: "password" };
  if (to.meta.minRole && !session.can(to.meta.minRole)) return { name: "forbidden", query: { role: to.meta.minRole } };
  return true;
}

export function createAppRouter(history: RouterHistory = createWebHashHistory()): Router {
  const router = createRouter({ history, routes: [...routes], scrollBehavior: () => ({ top: 0 }) });
  router.beforeEach(guardNavigation);
  return router;
}
