/**
 * `npm run user:remove -- <username>`: removes a user who signs in with a password. Every token
 * issued to the user is refused from then on, by every gateway and subgraph within a second.
 */
import { normalizeUsername, removeUser } from "../src/auth/userStore.js";
import { openAuthStore, parseCli, run } from "./cli.js";

const USAGE = "npm run user:remove -- <username>";

await run(async () => {
  const args = parseCli(USAGE, {});
  const store = await openAuthStore();
  let user;
  try {
    user = await removeUser(store.database, normalizeUsername(args.name), { sessionTtlSeconds: store.config.security.sessionTtlSeconds });
  } finally {
    await store.database.close();
  }
  process.stdout.write(`User "${user.username}" (${user.role}) removed from ${store.where}; their sessions are signed out.\n`);
});
