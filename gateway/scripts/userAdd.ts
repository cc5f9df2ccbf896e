/**
 * `npm run user:add -- <username> --role <viewer|operator|admin> [--password-stdin]`: adds a user
 * who signs in with a password. Without `--password-stdin` a random password is generated,
 * printed once, and must be changed at first sign-in.
 */
import { generatePassword, hashPassword, passwordProblem } from "../src/auth/passwords.js";
import { addUser, newUser, normalizeUsername, usernameProblem } from "../src/auth/userStore.js";
import { fail, openAuthStore, parseCli, readStdin, run } from "./cli.js";

const USAGE = "npm run user:add -- <username> --role <viewer|operator|admin> [--password-stdin]";

await run(async () => {
  const args = parseCli(USAGE, { role: true, passwordStdin: true });
  const username = normalizeUsername(args.name);
  const nameProblem = usernameProblem(username);
  if (nameProblem) fail(nameProblem, USAGE);
  const generated = !args.passwordStdin;
  const password = generated ? generatePassword() : await readStdin();
  const problem = passwordProblem(password, username);
  if (problem) fail(problem.replace("The new password", "The password"));
  const store = await openAuthStore();
  try {
    await addUser(store.database, newUser(username, args.role!, await hashPassword(password), generated));
  } finally {
    await store.database.close();
  }
  process.stdout.write(`User "${username}" (${args.role}) added to ${store.where}.\n`);
  if (generated) {
    process.stdout.write(`Password (shown only this once; it must be changed at first sign-in): ${password}\n`);
  }
});
