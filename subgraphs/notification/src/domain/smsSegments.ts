/**
 * How many SMS messages a text costs. Text that fits the GSM 7-bit alphabet takes 160 characters
 * in one message and 153 per segment beyond; anything else (Japanese) goes as UCS-2: 70 in one
 * message, 67 per segment beyond (the rest of each segment carries the concatenation header). Pure.
 */

const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
// Escaped characters: each costs two septets.
const GSM_EXTENDED = new Set("^{}\\[~]|€\f");

/** Characters as a person counts them (code points, so an emoji is one). */
export function characterCount(text: string): number {
  return [...text].length;
}

/** The encoding an SMS needs for `text`. */
export function smsEncoding(text: string): "GSM-7" | "UCS-2" {
  for (const ch of text) if (!GSM_BASIC.has(ch) && !GSM_EXTENDED.has(ch)) return "UCS-2";
  return "GSM-7";
}

/** The number of SMS segments `text` is sent as; 0 for empty text. */
export function smsSegments(text: string): number {
  if (text.length === 0) return 0;
  if (smsEncoding(text) === "GSM-7") {
    let septets = 0;
    for (const ch of text) septets += GSM_EXTENDED.has(ch) ? 2 : 1;
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  }
  // UCS-2 counts UTF-16 code units: a character outside the BMP (emoji) takes two.
  return text.length <= 70 ? 1 : Math.ceil(text.length / 67);
}
