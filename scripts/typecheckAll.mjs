/**
 * `npm test`'s first step: every type check, as two chains at once (each compiler is
 * single-threaded; on 2 cores the pair takes about as long as the longer one): the services,
 * kit and gateway (`tsc -p tsconfig.json`), and the admin UI (its GraphQL codegen, then vue-tsc,
 * its Vite config and its browser journeys). Exits non-zero when any check fails, after both end.
 */
import { spawn } from "node:child_process";

const chains = [
  [["npx", ["tsc", "-p", "tsconfig.json"]]],
  [
    ["npm", ["run", "codegen", "-w", "admin-ui"]],
    ["npx", ["vue-tsc", "--noEmit", "-p", "admin-ui"]],
    ["npx", ["tsc", "-p", "admin-ui/tsconfig.node.json"]],
    ["npx", ["tsc", "-p", "admin-ui/e2e/tsconfig.json"]],
  ],
];

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit" });
    child.once("error", (err) => {
      console.error(`${command} ${args.join(" ")}: ${err.message}`);
      resolve(1);
    });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const results = await Promise.all(
  chains.map(async (chain) => {
    for (const [command, args] of chain) {
      const code = await run(command, args);
      if (code !== 0) {
        console.error(`typecheck: \`${command} ${args.join(" ")}\` failed (exit ${code})`);
        return code;
      }
    }
    return 0;
  }),
);
process.exit(results.find((code) => code !== 0) ?? 0);
