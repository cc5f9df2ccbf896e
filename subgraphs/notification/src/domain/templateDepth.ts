/**
 * How deeply a template's blocks nest, read from its Handlebars AST: every block counts
 * (`{{#each}}`, `{{#if}}`, `{{#unless}}`, `{{#with}}`, `{{^x}}`, any other), but a chained
 * `{{else if …}}` continues its block instead of opening a deeper one, as the operator reads it.
 * Pure.
 */

/** A block nested deeper than allowed: its depth and the line it opens on. */
export interface TooDeep {
  depth: number;
  line?: number;
}

type BlockNode = hbs.AST.BlockStatement | hbs.AST.PartialBlockStatement;

const isBlock = (node: hbs.AST.Statement): node is BlockNode =>
  node.type === "BlockStatement" || node.type === "PartialBlockStatement" || node.type === "DecoratorBlock";

/** The first block (in source order) nested deeper than `max`, or null when none is. */
export function firstTooDeep(program: hbs.AST.Program, max: number): TooDeep | null {
  const visit = (body: readonly hbs.AST.Statement[], depth: number): TooDeep | null => {
    for (const node of body) {
      if (!isBlock(node)) continue;
      const found = block(node, depth + 1);
      if (found) return found;
    }
    return null;
  };
  const block = (node: BlockNode, depth: number): TooDeep | null => {
    if (depth > max) return { depth, ...(node.loc ? { line: node.loc.start.line } : {}) };
    const inner = visit(node.program?.body ?? [], depth);
    if (inner) return inner;
    const inverse = (node as hbs.AST.BlockStatement).inverse as (hbs.AST.Program & { chained?: boolean }) | undefined;
    if (!inverse) return null;
    // `{{else if b}}` is parsed as an `if` block inside the `else` program, flagged `chained`.
    if (inverse.chained) {
      for (const chained of inverse.body) {
        const found = isBlock(chained) ? block(chained, depth) : null;
        if (found) return found;
      }
      return null;
    }
    return visit(inverse.body, depth);
  };
  return visit(program.body, 0);
}
