/**
 * How many SMS messages a text costs, computed as the operator types (the notification service's
 * `smsSegments.ts`, mirrored so the counter agrees with the preview the server sends back).
 * Text that fits the GSM 7-bit alphabet takes 160 characters in one message and 153 per segment
 * beyond; anything else (Japanese) goes as UCS-2: 70 in one message, 67 per segment beyond (the
 * rest of each segment carries the concatenation header). Pure.
 */

const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
// Escaped characters: each costs two septets.
const GSM_EXTENDED = new Set("^{}\\[~]|€\f");

export const UCS2_SINGLE = 70;
export const UCS2_SEGMENT = 67;
export const GSM_SINGLE = 160;
export const GSM_SEGMENT = 153;

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SmsCount {
  /** Characters as a person counts them (an emoji is one). */
  characters: number;
  /** Messages the text is sent as; 0 for empty text. */
  segments: number;
  encoding: SmsEncoding;
}

/** Characters as a person counts them (code points, so an emoji is one). */
export function characterCount(text: string): number {
  return [...text].length;
}

/** The encoding an SMS needs for `text`. */
export function smsEncoding(text: string): SmsEncoding {
  for (const ch of text) if (!GSM_BASIC.has(ch) && !GSM_EXTENDED.has(ch)) return "UCS-2";
  return "GSM-7";
}

/** The number of SMS segments `text` is sent as; 0 for empty text. */
export function smsSegments(text: string): number {
  if (text.length === 0) return 0;
  if (smsEncoding(text) === "GSM-7") {
    let septets = 0;
    for (const ch of text) septets += GSM_EXTENDED.has(ch) ? 2 : 1;
    return septets <= GSM_SINGLE ? 1 : Math.ceil(septets / GSM_SEGMENT);
  }
  // UCS-2 counts UTF-16 code units: a character outside the BMP (an emoji) takes two, as on the
  // network, although the operator sees one character.
  return text.length <= UCS2_SINGLE ? 1 : Math.ceil(text.length / UCS2_SEGMENT);
}

/** Characters, messages and encoding of `text`, for the SMS counter. */
export function smsCount(text: string): SmsCount {
  return { characters: characterCount(text), segments: smsSegments(text), encoding: smsEncoding(text) };
}
