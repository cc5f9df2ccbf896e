import { describe, expect, it } from "vitest";
import { characterCount, smsCount, smsEncoding, smsSegments } from "@/domain/smsSegments";

const ja = (n: number) => "あ".repeat(n);

describe("smsSegments", () => {
  it.each([
    [0, 0],
    [1, 1],
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
    [201, 3],
    [202, 4],
  ])("sends %i Japanese characters as %i messages", (length, segments) => {
    expect(smsSegments(ja(length))).toBe(segments);
    expect(characterCount(ja(length))).toBe(length);
  });

  it("counts an emoji as one character but two UCS-2 units, as the network does", () => {
    const text = `${ja(68)}🍵`;
    expect(characterCount(text)).toBe(69);
    expect(smsSegments(text)).toBe(1);
    const over = `${ja(69)}🍵`;
    expect(characterCount(over)).toBe(70);
    expect(smsSegments(over)).toBe(2);
    // A family emoji is several code points joined: counted per code point, like the server.
    expect(characterCount("👨‍👩‍👧")).toBe(5);
  });

  it("uses the GSM 7-bit limits for plain Latin text: 160 in one message, 153 per segment", () => {
    expect(smsEncoding("Order 1024 shipped")).toBe("GSM-7");
    expect(smsSegments("a".repeat(160))).toBe(1);
    expect(smsSegments("a".repeat(161))).toBe(2);
    expect(smsSegments("a".repeat(306))).toBe(2);
    expect(smsSegments("a".repeat(307))).toBe(3);
    // Escaped characters cost two septets.
    expect(smsSegments("€".repeat(80))).toBe(1);
    expect(smsSegments("€".repeat(81))).toBe(2);
  });

  it("switches to UCS-2 as soon as one Japanese character appears", () => {
    const text = `${"a".repeat(70)}あ`;
    expect(smsEncoding(text)).toBe("UCS-2");
    expect(smsCount(text)).toEqual({ characters: 71, segments: 2, encoding: "UCS-2" });
  });

  it("counts empty text as no message", () => {
    expect(smsCount("")).toEqual({ characters: 0, segments: 0, encoding: "GSM-7" });
  });
});
