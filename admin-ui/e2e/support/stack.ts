/**
 * The world of one browser-test file: the admin UI built, a temporary data directory with three
 * users (one per role), and the real stack (three subgraphs and the gateway as processes on free
 * ports), stopped and removed afterwards.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isolatedStackEnv, launchStack, type Stack } from "@ops/service-kit/stack";
import { hashPassword } from "../../../gateway/src/auth/passwords";
import { newUser } from "../../../gateway/src/auth/userStore";
import { writeUsersFile } from "../../../gateway/src/auth/usersFile";
import type { Role } from "@/domain/roles";

const ADMIN_UI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface E2eUser {
  username: string;
  password: string;
  role: Role;
}

export const USERS: Record<Role, E2eUser> = {
  admin: { username: "e2e-admin", password: "admin-pass-2026-e2e", role: "admin" },
  operator: { username: "e2e-operator", password: "operator-pass-2026-e2e", role: "operator" },
  viewer: { username: "e2e-viewer", password: "viewer-pass-2026-e2e", role: "viewer" },
};

export interface E2eWorld {
  stack: Stack;
  /** The gateway's origin, e.g. http://127.0.0.1:41234 (the UI and /graphql). */
  origin: string;
  dataDir: string;
  close(): Promise<void>;
}

let built = false;

/** Builds admin-ui/dist when its sources are newer (once per test process); a failed build fails the tests. */
function ensureUiBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(ADMIN_UI, "scripts", "ensureBuilt.mjs"), "--strict"], { stdio: "inherit" });
  if (!fs.existsSync(path.join(ADMIN_UI, "dist", "index.html"))) throw new Error("admin-ui/dist/index.html is missing after the build");
  built = true;
}

/** Starts the stack on an empty data directory with the three users. */
export async function startWorld(): Promise<E2eWorld> {
  ensureUiBuilt();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-e2e-"));
  const users = await Promise.all(Object.values(USERS).map(async (u) => newUser(u.username, u.role, await hashPassword(u.password), false)));
  writeUsersFile(path.join(dataDir, "users.json"), users);
  const env = isolatedStackEnv(dataDir, {
    NODE_ENV: "development",
    // Events travel within a fraction of a second, so the journeys watch the flows complete.
    OUTBOX_POLL_MS: "100",
    OUTBOX_BASE_DELAY_MS: "50",
    OUTBOX_MAX_DELAY_MS: "500",
  });
  let stack: Stack;
  try {
    stack = await launchStack({ env, silent: true });
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    stack,
    origin: new URL(stack.gatewayUrl).origin,
    dataDir,
    async close() {
      await stack.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
