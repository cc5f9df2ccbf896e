import { describe, expect, it } from "vitest";
import { AppError } from "@ops/service-kit";
import { checkTemplate } from "../domain/checkTemplate.js";
import { DEFAULT_TEMPLATES } from "../domain/defaultTemplates.js";
import { validateTemplate } from "../domain/validateTemplate.js";

function refusal(source: string, field = "input.bodyTemplate") {
  try {
    checkTemplate(source, field);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return { message: (err as AppError).message, ...(err as AppError).extensions } as Record<string, any>;
  }
  throw new Error(`expected ${source} to be refused`);
}

describe("checkTemplate", () => {
  it("accepts the documented variables, helpers and item scope, and reports what is used", () => {
    const source = `{{customer_name}} 様 #{{ order_id }} {{date created_at}} {{items.length}}点
{{#each items}}{{@index}}. {{product_name}} × {{quantity}} {{yen unit_price}} {{yen this.subtotal}} {{../currency}}{{#if @last}}.{{/if}}{{/each}}
{{#each items as |item|}}{{item.product_name}}{{/each}}{{#unless status}}-{{else}}{{status_label}}{{/unless}}
{{#with customer_email}}{{this}}{{/with}} {{yen (yen total_amount)}} {{@root.order_date}}`;
    expect(checkTemplate(source, "input.bodyTemplate").variables).toEqual([
      "order_id", "customer_name", "customer_email", "items", "total_amount", "currency", "status", "status_label",
      "created_at", "order_date", "items.product_name", "items.quantity", "items.unit_price", "items.subtotal",
    ]);
  });

  it("refuses a variable outside the documented set, naming it and what is allowed", () => {
    const e = refusal("{{customer_name}} {{coupon_code}}");
    expect(e).toMatchObject({ code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { variable: "coupon_code", line: 1 } });
    expect(e.params.allowed).toContain("order_id");
    expect(e.params.allowed).not.toContain("product_name");
  });

  it("knows the scope: order fields inside each need ../, item fields outside each are unknown", () => {
    const inside = refusal("{{#each items}}{{customer_name}}{{/each}}");
    expect(inside.params).toMatchObject({ variable: "customer_name", allowed: expect.arrayContaining(["product_name", "@index"]) });
    expect(inside.message).toContain("../customer_name");
    expect(refusal("{{product_name}}").params.variable).toBe("product_name");
    expect(refusal("{{@index}}").params.variable).toBe("@index");
    expect(refusal("{{../order_id}}").params.variable).toBe("../order_id");
    expect(refusal("{{#each items}}{{product_name.x}}{{/each}}").params.variable).toBe("product_name.x");
    expect(refusal("{{#each items}}{{/each}}{{#if x}}{{/if}}").params.variable).toBe("x");
    expect(refusal("{{constructor}}").params.variable).toBe("constructor");
    expect(refusal("{{#if status}}x{{else if currency}}y{{else}}{{zz}}{{/if}}").params.variable).toBe("zz");
    expect(refusal("{{#each items}}{{else}}{{product_name}}{{/each}}").params.variable).toBe("product_name");
  });

  it("refuses helpers, partials and each over something other than items", () => {
    expect(refusal("{{lookup items 0}}").params).toMatchObject({ helper: "lookup", allowed: ["yen", "date", "datetime"] });
    expect(refusal("{{#custom order_id}}{{/custom}}").params).toMatchObject({ helper: "custom" });
    expect(refusal("{{yen (upper total_amount)}}").params).toMatchObject({ helper: "upper" });
    expect(refusal("{{yen coupon}}").params).toMatchObject({ variable: "coupon" });
    expect(refusal("{{> footer}}").params).toMatchObject({ reason: "partial" });
    expect(refusal("{{#each customer_name}}{{/each}}").params).toMatchObject({ variable: "customer_name", allowed: ["items"] });
    expect(refusal("{{#each}}{{/each}}").params).toMatchObject({ helper: "each", reason: "arguments" });
  });

  it("refuses templates that do not compile, with the line", () => {
    const e = refusal("ご注文\n{{#if order_id}\n", "input.subjectTemplate");
    expect(e).toMatchObject({ code: "BAD_USER_INPUT", field: "input.subjectTemplate", params: { line: 2 } });
    expect(e.message).toMatch(/line 2, column \d+/);
    expect(refusal("{{#if order_id}}open").message).toContain("not closed");
    expect(refusal("{{#if order_id}}{{/each}}").params.reason).toContain("doesn't match");
  });

  it("passes the three seed templates", () => {
    for (const template of DEFAULT_TEMPLATES) expect(validateTemplate(template)).toEqual(template);
  });
});

describe("validateTemplate", () => {
  const valid = { name: "ORDER_DELAYED", subjectTemplate: "遅延 #{{order_id}}", bodyTemplate: "{{customer_name}} 様", channel: "EMAIL" as const, language: "ja" };

  it("checks the name, language, and both sources with their fields", () => {
    expect(validateTemplate({ ...valid, name: "  ORDER_DELAYED " }).name).toBe("ORDER_DELAYED");
    const cases: [Partial<typeof valid>, string][] = [
      [{ name: "注文 遅延" }, "input.name"],
      [{ language: "japanese!" }, "input.language"],
      [{ subjectTemplate: "{{nope}}" }, "input.subjectTemplate"],
      [{ bodyTemplate: "   " }, "input.bodyTemplate"],
      [{ bodyTemplate: "x".repeat(20_001) }, "input.bodyTemplate"],
    ];
    for (const [change, field] of cases) {
      expect(() => validateTemplate({ ...valid, ...change })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT", field }) }));
    }
  });
});
