/**
 * `npm run apikey:add -- <name> --role <viewer|operator|admin>`: creates a long-lived API key,
 * prints it once and stores only its hash (API_KEYS_FILE, read by the gateway and every subgraph,
 * which pick it up within seconds). Clients send `Authorization: ApiKey <key>`.
 */
import { describeTextProblem, findTextProblem, generateApiKey, hashApiKey, readApiKeyFile, writeApiKeyFile } from "@ops/service-kit";
import { fail, loadConfig, parseCli, run } from "./cli.js";

const USAGE = "npm run apikey:add -- <name> --role <viewer|operator|admin>";
const NAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

await run(async () => {
  const args = parseCli(USAGE, { role: true });
  const { apiKeysFile } = loadConfig();
  const name = args.name.trim().toLowerCase();
  const text = findTextProblem(name);
  if (text) fail(`The key name contains ${describeTextProblem(text)}: use 2 to 64 characters a-z, 0-9, ".", "_" or "-".`, USAGE);
  if (!NAME.test(name)) fail(`"${args.name}" is not a valid key name: use 2 to 64 characters a-z, 0-9, ".", "_" or "-".`, USAGE);
  const keys = readApiKeyFile(apiKeysFile);
  if (keys.some((k) => k.name === name)) fail(`An API key named "${name}" already exists in ${apiKeysFile}: choose another name.`);
  const key = generateApiKey();
  writeApiKeyFile(apiKeysFile, [...keys, { name, role: args.role!, keyHash: hashApiKey(key), createdAt: new Date().toISOString() }]);
  process.stdout.write(`API key "${name}" (${args.role}) added to ${apiKeysFile}.\n`);
  process.stdout.write(`Key (shown only this once): ${key}\n`);
  process.stdout.write(`Send it as the header   Authorization: ApiKey ${key}\n`);
});
