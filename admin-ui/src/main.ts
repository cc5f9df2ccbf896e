/** Boots the admin UI: the language, the router with its guards, and the one urql client. */
import urql from "@urql/vue";
import { createApp } from "vue";
import App from "@/App.vue";
import { createSessionClient } from "@/api/client";
import { useSession } from "@/composables/useSession";
import { setLocale, useI18n } from "@/i18n";
import { createAppRouter } from "@/router";
import "@/styles/main.css";

setLocale(useI18n().locale.value);
const router = createAppRouter();
const session = useSession();

const client = createSessionClient(
  {
    onUnauthenticated() {
      session.expire();
      const here = router.currentRoute.value;
      if (!here.meta.public) void router.replace({ name: "sign-in", query: { redirect: here.fullPath } });
    },
    onPasswordChangeRequired() {
      session.requirePasswordChange();
      void router.replace({ name: "password" });
    },
  },
  () => session.user.value?.username,
);

createApp(App).use(router).use(urql, client).mount("#app");
