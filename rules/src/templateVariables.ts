/**
 * The documented variables templates may use (DESIGN section 3), the helpers they may call and
 * how deep their blocks may nest. The notification service refuses a template using anything else
 * when it is saved and renders within the depth; the admin UI flags the same while it is typed.
 * Pure data: no database, no GraphQL.
 */

export interface TemplateVariable {
  name: string;
  description: string;
  example: string;
}

/** Top-level variables, available anywhere (as `../name` inside `{{#each items}}`). */
export const ROOT_VARIABLES: readonly TemplateVariable[] = [
  { name: "order_id", description: "The order's number.", example: "1024" },
  { name: "customer_name", description: "The customer's name as written on the order.", example: "山田 花子" },
  { name: "customer_email", description: "The customer's e-mail address.", example: "hanako.yamada@example.jp" },
  { name: "items", description: "The order's items; iterate with {{#each items}} … {{/each}}. {{items.length}} is their number.", example: "[2 items]" },
  { name: "total_amount", description: "The order total in whole yen (a number); {{yen total_amount}} writes ¥12,345.", example: "10900" },
  { name: "currency", description: "The order's currency code.", example: "JPY" },
  { name: "status", description: "The order's status code.", example: "CONFIRMED" },
  { name: "status_label", description: "The order's status in Japanese.", example: "注文確定" },
  { name: "created_at", description: "When the order was placed, ISO-8601 UTC; {{date created_at}} writes the Japan date.", example: "2026-11-25T01:30:00.000Z" },
  { name: "updated_at", description: "When the order last changed, ISO-8601 UTC; {{datetime updated_at}} writes Japan date and time.", example: "2026-11-25T03:00:00.000Z" },
  { name: "order_date", description: "The day the order was placed, in Japan time, written in Japanese.", example: "2026年11月25日" },
];

/** Fields of one item inside `{{#each items}}` (also `this`, `@index`, `@first`, `@last`). */
export const ITEM_VARIABLES: readonly TemplateVariable[] = [
  { name: "product_name", description: "The item's product name (inside {{#each items}}).", example: "有機緑茶 100g" },
  { name: "quantity", description: "How many were ordered (inside {{#each items}}).", example: "2" },
  { name: "unit_price", description: "Price of one, whole yen (inside {{#each items}}); use {{yen unit_price}}.", example: "1200" },
  { name: "subtotal", description: "quantity × unit_price, whole yen (inside {{#each items}}); use {{yen subtotal}}.", example: "2400" },
];

/** Formatting helpers registered by the renderer; calling any other helper is refused. */
export const HELPERS: readonly TemplateVariable[] = [
  { name: "yen", description: "Formats whole yen: {{yen total_amount}}.", example: "¥10,900" },
  { name: "date", description: "A Japan calendar date: {{date created_at}}.", example: "2026年11月25日" },
  { name: "datetime", description: "A Japan date and time: {{datetime created_at}}.", example: "2026年11月25日 10:30" },
];

/** Block helpers built into Handlebars that templates may use. */
export const BLOCK_HELPERS = ["if", "unless", "each", "with"] as const;

/** The names of HELPERS, as templates call them. */
export const HELPER_NAMES: readonly string[] = HELPERS.map((h) => h.name);

/**
 * Blocks (`{{#each}}`, `{{#if}}`, `{{#unless}}`, `{{#with}}`) inside one another a template may
 * have; a chained `{{else if}}` adds none. `{{#each}}` blocks nested inside one another multiply
 * what one message writes, so the renderer stops past this depth.
 */
export const MAX_BLOCK_DEPTH = 4;

/** Item fields as `templateVariables` and `NotificationTemplate.variables` name them. */
export const itemVariableName = (field: string): string => `items.${field}`;

/** The documented set, in the form the `templateVariables` query returns. */
export function documentedVariables(): TemplateVariable[] {
  return [...ROOT_VARIABLES, ...ITEM_VARIABLES.map((v) => ({ ...v, name: itemVariableName(v.name) }))];
}
