import { ja } from "./ja";

/** Every message key; the Japanese file defines the set. */
export type MessageKey = keyof typeof ja;
export type Messages = { readonly [K in MessageKey]: string };
export type MessageParams = Record<string, string | number>;

/** Fills `{name}` placeholders; an unknown placeholder stays as written, so a gap shows. */
export function interpolate(template: string, params: MessageParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
