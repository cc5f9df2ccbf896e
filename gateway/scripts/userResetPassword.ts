/**
 * `npm run user:reset-password -- <username>`: gives the user a new random password, printed once,
 * which must be changed at the next sign-in. Tokens already issued stay valid until they expire
 * (SESSION_TTL_SECONDS).
 */
import { generatePassword, hashPassword } from "../src/auth/passwords.js";
import { normalizeUsername, setPasswordHash } from "../src/auth/userStore.js";
import { loadConfig, parseCli, run } from "./cli.js";

const USAGE = "npm run user:reset-password -- <username>";

await run(async () => {
  const args = parseCli(USAGE, {});
  const { security } = loadConfig();
  const password = generatePassword();
  const user = setPasswordHash(security.usersFile, normalizeUsername(args.name), await hashPassword(password), true);
  process.stdout.write(`Password of "${user.username}" (${user.role}) reset in ${security.usersFile}.\n`);
  process.stdout.write(`New password (shown only this once; it must be changed at the next sign-in): ${password}\n`);
});
