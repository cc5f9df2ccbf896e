#!/usr/bin/env node
/**
 * Typed operations for the admin UI: GraphQL Code Generator's client preset, run through
 * `@graphql-codegen/core` (the CLI's loaders pull in packages that need Node 22). Every operation
 * in `src/graphql/*.graphql` is validated against the gateway's committed supergraph and typed into
 * `src/gql/` (`OrdersListDocument` and its result and variables types, ...).
 *
 * The output is committed, so a fresh clone type-checks at once; `npm test` and `npm run build:ui`
 * run this again, so an operation that no longer matches the API fails them. A file is rewritten
 * only when its content changes (its date tells `npm start` whether to rebuild the UI).
 * `--check` writes nothing and exits 1 when the committed output is stale.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { preset } from "@graphql-codegen/client-preset";
import { codegen } from "@graphql-codegen/core";
import { buildASTSchema, parse, specifiedRules, validate } from "graphql";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const schemaFile = path.join(root, "..", "gateway", "supergraph.graphql");
const documentsDir = path.join(root, "src", "graphql");
const outputDir = "src/gql/";
const check = process.argv.includes("--check");

const config = {
  useTypeImports: true,
  enumType: "string-literal",
  skipTypename: true,
  strictScalars: true,
  defaultScalarType: "unknown",
  // Yen is whole yen as a JSON number (any safe integer). The supergraph also declares the
  // join/link scalars of its routing directives; the UI never sees them.
  scalars: { DateTime: "string", Date: "string", Yen: "number", join__FieldSet: "string", join__DirectiveArguments: "unknown", link__Import: "unknown" },
};

function fail(message) {
  console.error(`codegen: ${message}`);
  process.exit(1);
}

const schema = parse(fs.readFileSync(schemaFile, "utf8"));
const schemaAst = buildASTSchema(schema);
const documents = fs
  .readdirSync(documentsDir)
  .filter((name) => name.endsWith(".graphql"))
  .sort()
  .map((name) => {
    const location = path.join("src", "graphql", name);
    const rawSDL = fs.readFileSync(path.join(root, location), "utf8");
    try {
      return { location, document: parse(rawSDL), rawSDL };
    } catch (err) {
      return fail(`${location}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
if (documents.length === 0) fail(`no operations in ${documentsDir}`);
// Validated here too (as codegen does, same rules) so a mistake is reported with its file and line.
const rules = specifiedRules.filter((rule) => !["NoUnusedFragments", "NoUnusedVariables", "KnownDirectives"].some((n) => rule.name.startsWith(n)));
for (const { location, document } of documents) {
  const errors = validate(schemaAst, document, rules);
  if (errors.length) fail(errors.map((e) => `${location}:${e.locations?.[0]?.line ?? "?"}: ${e.message}`).join("\n"));
}

let outputs;
try {
  const sections = await preset.buildGeneratesSection({
    baseOutputDir: outputDir,
    presetConfig: { fragmentMasking: false },
    plugins: [],
    pluginMap: {},
    pluginContext: {},
    schema,
    schemaAst,
    documents,
    config,
    documentTransforms: [],
  });
  outputs = await Promise.all(
    sections.map(async (section) => ({ filename: section.filename, content: await codegen({ ...section, emitLegacyCommonJSImports: true }) })),
  );
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}

const stale = [];
for (const { filename, content } of outputs) {
  const file = path.join(root, filename);
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
  if (current === content) continue;
  stale.push(filename);
  if (!check) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
if (check && stale.length) fail(`out of date: ${stale.join(", ")} (run npm run codegen -w admin-ui)`);
console.log(stale.length ? `codegen: wrote ${stale.join(", ")}` : "codegen: src/gql is up to date");
