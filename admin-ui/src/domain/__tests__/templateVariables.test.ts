import { describe, expect, it } from "vitest";
import { checkTemplateVariables } from "@/domain/templateVariables";

// As the templateVariables query answers them.
const VARIABLES = [
  "order_id",
  "customer_name",
  "customer_email",
  "items",
  "total_amount",
  "currency",
  "status",
  "status_label",
  "created_at",
  "updated_at",
  "order_date",
  "items.product_name",
  "items.quantity",
  "items.unit_price",
  "items.subtotal",
];
const check = (source: string) => checkTemplateVariables(source, VARIABLES);
const names = (source: string) => check(source).map((p) => `${p.kind}:${p.name}`);

describe("checkTemplateVariables", () => {
  it("accepts the seed confirmation template", () => {
    const source = `{{customer_name}} 様

注文番号：#{{ order_id }}
ご注文日：{{order_date}}
{{#each items}}
・{{product_name}}　{{yen unit_price}} × {{quantity}}点　小計 {{yen subtotal}}
{{/each}}
合計金額：{{yen total_amount}}（{{items.length}}点）`;
    expect(check(source)).toEqual([]);
  });

  it("flags an unknown name with its line and the names allowed there", () => {
    const [problem, ...rest] = check("{{customer_name}} 様\n{{costomer_name}}");
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ kind: "unknownVariable", name: "costomer_name", line: 2 });
    expect(problem?.kind === "unknownVariable" && problem.allowed).toContain("customer_name");
  });

  it("wants item fields inside {{#each items}} without the prefix, and root names with ../", () => {
    expect(names("{{items.product_name}}")).toEqual(["unknownVariable:items.product_name"]);
    expect(names("{{product_name}}")).toEqual(["unknownVariable:product_name"]);
    const inside = check("{{#each items}}{{order_id}}{{/each}}");
    expect(inside).toEqual([expect.objectContaining({ kind: "unknownVariable", name: "order_id", parent: true })]);
    expect(check("{{#each items}}{{../order_id}} {{@root.customer_name}} {{this.quantity}} {{@index}} {{#if @first}}先頭{{/if}}{{/each}}")).toEqual([]);
  });

  it("knows this, @index, @first and @last only inside {{#each}}", () => {
    expect(names("{{@index}}")).toEqual(["eachOnly:@index"]);
    expect(check("{{#each items}}{{@index}}: {{this}}{{#unless @last}}、{{/unless}}{{/each}}")).toEqual([]);
  });

  it("accepts the documented helpers and refuses others", () => {
    expect(check("{{yen total_amount}} {{date created_at}} {{datetime updated_at}}")).toEqual([]);
    expect(names("{{upper customer_name}}")).toEqual(["unknownHelper:upper"]);
    expect(names("{{yen totl_amount}}")).toEqual(["unknownVariable:totl_amount"]);
    expect(names("{{#lookup items}}{{/lookup}}")).toEqual(["unknownHelper:#lookup"]);
  });

  it("checks block helpers: each over the items only, else back in the outer scope", () => {
    expect(names("{{#each customer_name}}{{/each}}")).toEqual(["notList:customer_name"]);
    expect(check("{{#each items}}{{product_name}}{{else}}商品なし {{order_id}}{{/each}}")).toEqual([]);
    expect(names("{{#if items}}{{product_name}}{{/if}}")).toEqual(["unknownVariable:product_name"]);
    expect(check("{{#if status}}a{{else if currency}}b{{else}}c{{/if}}")).toEqual([]);
    expect(check("{{#each items as |item i|}}{{i}} {{item.product_name}}{{/each}}")).toEqual([]);
    expect(names("{{#each items as |item|}}{{item.price}}{{/each}}")).toEqual(["unknownVariable:item.price"]);
  });

  it("ignores comments, literals and escaped mustaches", () => {
    expect(check("{{!-- {{nothing}} --}}{{! {{nope}} }}\\{{literal}} {{yen 100}} {{date \"2026-01-01\"}}")).toEqual([]);
  });

  it("notices unclosed and mismatched blocks", () => {
    expect(names("{{#each items}}{{product_name}}")).toEqual(["unclosed:each"]);
    expect(names("{{#if status}}x{{/each}}")).toEqual(["unexpectedClose:each"]);
    expect(names("{{> footer}}")).toEqual(["unsupported:> footer"]);
  });

  it("flags blocks nested more than four deep, as the service refuses them; an {{else if}} chain adds no depth", () => {
    const four = "{{#each items}}{{#if @first}}{{#unless @last}}{{#with quantity}}{{this}}{{/with}}{{/unless}}{{/if}}{{/each}}";
    expect(check(four)).toEqual([]);
    const five = "{{#each items}}{{#if @first}}\n{{#unless @last}}{{#with quantity}}\n{{#if this}}x{{/if}}{{/with}}{{/unless}}{{/if}}{{/each}}";
    expect(check(five)).toEqual([{ kind: "tooDeep", name: "if", line: 3, max: 4 }]);
    expect(check("{{#if status}}{{#if currency}}{{#if order_id}}{{#if items}}a{{else if status}}b{{else if currency}}c{{else}}d{{/if}}{{/if}}{{/if}}{{/if}}")).toEqual([]);
    // Inverted sections are blocks too.
    expect(names("{{#if status}}{{#if currency}}{{#if order_id}}{{#if items}}{{^status}}{{/status}}{{/if}}{{/if}}{{/if}}{{/if}}")).toContain("tooDeep:status");
  });

  it("reports each problem once, at its first line", () => {
    expect(check("{{nope}}\n{{nope}}")).toEqual([expect.objectContaining({ name: "nope", line: 1 })]);
  });

  it("handles whitespace control and triple mustaches", () => {
    expect(check("{{~#each items~}} {{{product_name}}} {{~/each~}}")).toEqual([]);
    expect(names("{{{ nope }}}")).toEqual(["unknownVariable:nope"]);
  });
});
