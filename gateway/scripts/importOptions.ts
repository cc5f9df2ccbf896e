/** The options of `npm run import` and the checks on its file, with messages that say what to do. */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fail, loadConfig } from "./cli.js";

const USAGE = `npm run import -- <file.csv> [options]

  --dry-run                      validate and report what would be imported; write nothing
  --atomic                       import nothing unless every row of the file is valid
  --send-confirmations each|none an ORDER_CONFIRMATION per order (each, default) or a NOT_SENT record (none)
  --no-payments                  ignore payment_method: create no payments
  --force                        import a file that was imported before
  --gateway <url>                the gateway (default GATEWAY_URL or http://127.0.0.1:GATEWAY_PORT)
  --encoding utf-8-bom|cp932|source  of the downloaded error report (default utf-8-bom)
  --cancel-on-interrupt          Ctrl+C cancels the import without asking

Signs in with OPS_API_KEY (an operator or admin API key), or OPS_USER and OPS_PASSWORD.`;

/** The command line's arguments, or exits with a message and the usage. */
export function readOptions() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        "dry-run": { type: "boolean", default: false },
        atomic: { type: "boolean", default: false },
        "send-confirmations": { type: "string", default: "each" },
        "no-payments": { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        gateway: { type: "string" },
        encoding: { type: "string", default: "utf-8-bom" },
        "cancel-on-interrupt": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err), USAGE);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`Usage: ${USAGE}\n`);
    process.exit(0);
  }
  if (positionals.length !== 1) fail(positionals.length ? `Give one CSV file, not ${positionals.length}: ${positionals.join(" ")}` : "Give the CSV file to import.", USAGE);
  const sendConfirmations = values["send-confirmations"].toUpperCase();
  if (sendConfirmations !== "EACH" && sendConfirmations !== "NONE") fail(`--send-confirmations must be each or none, not "${values["send-confirmations"]}".`, USAGE);
  if (!["utf-8-bom", "cp932", "source"].includes(values.encoding)) fail(`--encoding must be utf-8-bom, cp932 or source, not "${values.encoding}".`, USAGE);
  return {
    // npm runs scripts from the repository root; INIT_CWD is where the command was typed.
    file: path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]!),
    input: { dryRun: values["dry-run"], atomic: values.atomic, sendConfirmations, createPayments: !values["no-payments"], force: values.force },
    gateway: graphqlUrlOf(values.gateway ?? process.env.GATEWAY_URL ?? `http://127.0.0.1:${loadConfig().gatewayPort}`),
    encoding: values.encoding,
    cancelOnInterrupt: values["cancel-on-interrupt"],
  };
}

/** `http://host:4000`, `http://host:4000/` or `http://host:4000/graphql` → the GraphQL URL. */
function graphqlUrlOf(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(`--gateway "${raw}" is not a URL: give one such as http://127.0.0.1:4000`, USAGE);
  }
  if (!/^https?:$/.test(url.protocol)) fail(`--gateway "${raw}" must be an http:// or https:// URL.`, USAGE);
  const prefix = url.pathname.replace(/\/+$/, "").replace(/\/graphql$/, "");
  return `${url.origin}${prefix}/graphql`;
}

/** The file's size, or exits with a message that names the problem. */
export function checkFile(file: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(code === "ENOENT" ? `File not found: ${file}` : `Cannot read ${file} (${code ?? String(err)}).`);
  }
  if (!stat.isFile()) fail(`${file} is not a file.`);
  if (stat.size === 0) fail(`${file} is empty: there is nothing to import.`);
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    fail(`Cannot read ${file}: permission denied.`);
  }
  return stat.size;
}
