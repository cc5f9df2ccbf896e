/**
 * `npm run user:reset-password -- <username>`: gives the user a new random password, printed once,
 * which must be changed at the next sign-in. Every token issued to the user before is refused
 * from then on, by every gateway and subgraph within a second.
 */
import { generatePassword, hashPassword } from "../src/auth/passwords.js";
import { normalizeUsername, setPasswordHash } from "../src/auth/userStore.js";
import { openAuthStore, parseCli, run } from "./cli.js";

const USAGE = "npm run user:reset-password -- <username>";

await run(async () => {
  const args = parseCli(USAGE, {});
  const password = generatePassword();
  const hash = await hashPassword(password);
  const store = await openAuthStore();
  let user;
  try {
    user = await setPasswordHash(store.database, normalizeUsername(args.name), hash, true, "password_reset", {
      sessionTtlSeconds: store.config.security.sessionTtlSeconds,
    });
  } finally {
    await store.database.close();
  }
  process.stdout.write(`Password of "${user.username}" (${user.role}) reset in ${store.where}; its earlier sessions are signed out.\n`);
  process.stdout.write(`New password (shown only this once; it must be changed at the next sign-in): ${password}\n`);
});
