/** The rendering budget and the depth rule, without a server: how and when each limit stops a rendering. */
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { RenderBudget } from "../domain/renderBudget.js";
import { compileMessage, compileTemplate } from "../domain/renderTemplate.js";
import { SAMPLE_ORDER, templateContext } from "../domain/templateContext.js";
import { firstTooDeep } from "../domain/templateDepth.js";

const order = (items: number, customerName = SAMPLE_ORDER.customerName) =>
  templateContext({ ...SAMPLE_ORDER, customerName, items: Array.from({ length: items }, (_, i) => ({ productName: `p${i}`, quantity: 1, unitPrice: 100, subtotal: 100 })) });
const limitOf = (render: () => unknown) => {
  try {
    render();
  } catch (err) {
    return (err as { extensions: { field: string; params: { limit: string; max: number } } }).extensions;
  }
  throw new Error("expected the rendering to break a limit");
};

describe("the rendering budget", () => {
  it("stops the output as it grows, not after building it: 100 bodies of 30,000 characters stop after the fourth", () => {
    const budget = new RenderBudget();
    const render = compileTemplate(`{{#each items}}${"x".repeat(30_000)}{{/each}}`, "input.bodyTemplate");
    expect(limitOf(() => render(order(100), budget))).toEqual({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { limit: "outputLength", max: 100_000 } });
    expect(budget.iterationsRun).toBe(4);
  });

  it("measures text that grows outside any {{#each}} too", () => {
    const render = compileTemplate("{{customer_name}}".repeat(20), "input.subjectTemplate", "subject");
    expect(render(order(1, "名".repeat(50)))).toHaveLength(1000);
    expect(limitOf(() => render(order(1, "名".repeat(51))))).toMatchObject({ field: "input.subjectTemplate", params: { limit: "outputLength", max: 1000 } });
  });

  it("counts the iterations of Handlebars' {{#items}} sections as well as {{#each}}", () => {
    const budget = new RenderBudget();
    // Not a template the service would save (checkTemplate refuses sections): rendering holds it to the budget anyway.
    const render = compileTemplate("{{#items}}{{#@root.items}}.{{/@root.items}}{{/items}}", "f");
    expect(render(order(3), budget)).toBe(".........");
    expect(budget.iterationsRun).toBe(12);
    expect(limitOf(() => render(order(100)))).toMatchObject({ params: { limit: "iterations", max: 10_000 } });
  });

  it("gives subject and body of one message one budget of iterations, and each message a fresh one", () => {
    // 71 + 71² = 5,112 runs in the body and as many in the subject: each alone fits, together they do not.
    const half = "{{#each items}}{{#each @root.items}}{{/each}}{{/each}}";
    const context = order(71);
    const message = compileMessage({ subjectTemplate: `#${half}`, bodyTemplate: half }, "EMAIL");
    expect(limitOf(() => message(context))).toMatchObject({ field: "input.subjectTemplate", params: { limit: "iterations" } });
    const sms = compileMessage({ subjectTemplate: `#${half}`, bodyTemplate: half }, "SMS");
    for (let i = 0; i < 3; i += 1) expect(sms(context)).toEqual({ subject: null, body: "" });
  });

  it("stops at the deadline, checked at every iteration", () => {
    const budget = new RenderBudget(10_000, 0);
    const render = compileTemplate("{{#each items}}{{product_name}}{{/each}}", "f");
    expect(limitOf(() => render(order(2), budget))).toMatchObject({ params: { limit: "renderTime", max: 0 } });
    // Without iterations there is nothing that could take long, and nothing is checked.
    expect(compileTemplate("{{customer_name}}", "f")(order(0), new RenderBudget(10_000, 0))).toBe(SAMPLE_ORDER.customerName);
  });
});

describe("block depth", () => {
  const depth = (source: string) => firstTooDeep(Handlebars.parse(source), 2);

  it("counts every kind of block, inverted sections included, and reports the line of the first one too deep", () => {
    expect(depth("{{#if a}}{{#each b}}x{{/each}}{{/if}}")).toBeNull();
    expect(depth("{{#if a}}{{#each b}}\n{{#with c}}x{{/with}}{{/each}}{{/if}}")).toEqual({ depth: 3, line: 2 });
    expect(depth("{{#if a}}{{^b}}{{#c}}x{{/c}}{{/b}}{{/if}}")).toMatchObject({ depth: 3 });
    // The else branch is as deep as its block.
    expect(depth("{{#if a}}{{else}}{{#if b}}{{#if c}}x{{/if}}{{/if}}{{/if}}")).toMatchObject({ depth: 3 });
  });

  it("does not count a chained {{else if}} as a deeper block, but does count blocks inside it", () => {
    expect(depth("{{#if a}}{{#if b}}1{{else if c}}2{{else if d}}3{{else if e}}4{{else}}5{{/if}}{{/if}}")).toBeNull();
    expect(depth("{{#if a}}{{#if b}}1{{else if c}}{{#if d}}x{{/if}}{{/if}}{{/if}}")).toMatchObject({ depth: 3 });
  });
});
