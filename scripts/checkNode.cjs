// Stops `npm start` and `npm test` at once on a Node.js the project does not support, with what to
// do instead. CommonJS and old syntax on purpose: it must run on the old Node it refuses.
"use strict";
var SUPPORTED = "22 (from 22.12) or 24";
var parts = process.versions.node.split(".").map(Number);
var major = parts[0];
var minor = parts[1];
var ok = (major === 22 && minor >= 12) || major >= 24;
if (!ok) {
  console.error(
    [
      "",
      "Order Operations Supergraph needs Node.js " + SUPPORTED + "; this is Node.js " + process.version + ".",
      "",
      "Get Node.js 24 (the active LTS) from https://nodejs.org, your system's packages or a version",
      "manager (nvm install 24, fnm install 24, volta install node@24). Or, with only npm at hand,",
      "put npm's node@24 package first on PATH for this shell (installs once into ~/.cache):",
      "",
      "  . scripts/use-node.sh",
      "",
      "then run npm install again (the native modules must be installed for the new Node).",
      "",
    ].join("\n")
  );
  process.exit(1);
}
