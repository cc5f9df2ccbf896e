/**
 * The admin UI's own GraphQL operations (admin-ui/src/graphql/*.graphql), by name, each printed
 * with the fragments it uses: the scale test and benchmark send exactly what the screens send.
 */
import fs from "node:fs";
import path from "node:path";
import { Kind, parse, print, visit, type DefinitionNode, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { REPO_ROOT } from "@ops/service-kit";

const DIR = path.join(REPO_ROOT, "admin-ui", "src", "graphql");

let definitions: readonly DefinitionNode[] | null = null;

function all(): readonly DefinitionNode[] {
  definitions ??= fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith(".graphql"))
    .flatMap((f) => parse(fs.readFileSync(path.join(DIR, f), "utf8")).definitions);
  return definitions;
}

/** The document of the UI operation `name`, with its fragments, ready to send. */
export function uiOperation(name: string): string {
  const defs = all();
  const operation = defs.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name);
  if (!operation) throw new Error(`The admin UI has no operation named ${name}`);
  const fragments = new Map(defs.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const needed = new Set<string>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        if (needed.has(spread.name.value)) return;
        needed.add(spread.name.value);
        collect(fragments.get(spread.name.value)!);
      },
    });
  collect(operation);
  return [operation, ...[...needed].map((n) => fragments.get(n)!)].map((d) => print(d)).join("\n\n");
}
