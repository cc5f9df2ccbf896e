/**
 * Who is signed in, shared by the whole app: loaded once from `/auth/me`, changed by sign-in,
 * sign-out, the password change, and by any request answered 401 (`expire`).
 */
import { computed, reactive, readonly } from "vue";
import * as authApi from "@/api/authApi";
import type { SessionUser } from "@/api/authApi";
import { hasRole, type Role } from "@/domain/roles";
import type { MessageKey } from "@/i18n";

interface SessionState {
  user: SessionUser | null;
  /** `/auth/me` has answered at least once. */
  checked: boolean;
  /** A message for the sign-in page (why the operator is there). */
  notice: MessageKey | null;
}

const state = reactive<SessionState>({ user: null, checked: false, notice: null });
let pending: Promise<SessionUser | null> | null = null;

/** Asks the gateway who is signed in (once at a time). A failure leaves the operator signed out. */
async function refresh(): Promise<SessionUser | null> {
  pending ??= authApi
    .fetchCurrentUser()
    .catch(() => null)
    .then((user) => {
      state.user = user;
      state.checked = true;
      return user;
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

async function signIn(username: string, password: string): Promise<SessionUser> {
  const user = await authApi.login(username, password);
  state.user = user;
  state.checked = true;
  state.notice = null;
  return user;
}

async function signOut(): Promise<void> {
  try {
    await authApi.logout();
  } finally {
    state.user = null;
    state.notice = "signIn.signedOut";
  }
}

async function changePassword(currentPassword: string, newPassword: string): Promise<SessionUser> {
  const user = await authApi.changePassword(currentPassword, newPassword);
  state.user = user;
  return user;
}

/** The session is over (a request was answered 401). */
function expire(): void {
  if (state.user) state.notice = "signIn.expired";
  state.user = null;
  state.checked = true;
}

/** The server says this user must change the password first. */
function requirePasswordChange(): void {
  if (state.user) state.user = { ...state.user, mustChangePassword: true };
}

/** For tests: back to the state before `/auth/me` answered. */
export function resetSession(): void {
  state.user = null;
  state.checked = false;
  state.notice = null;
  pending = null;
}

export function useSession() {
  return {
    state: readonly(state),
    user: computed(() => state.user),
    role: computed(() => state.user?.role ?? null),
    /** Whether the signed-in user's role is at least `role`. */
    can: (role: Role) => hasRole(state.user?.role, role),
    refresh,
    signIn,
    signOut,
    changePassword,
    expire,
    requirePasswordChange,
    clearNotice: () => {
      state.notice = null;
    },
  };
}
