import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { AutoDecoder, createCp932Decoder, createDecoder, detectEncoding } from "../index.js";

const JAPANESE = "表,ソ,能,予,①,㈱,ｶﾀｶﾅ,髙橋,﨑,\uFA10,～,\\,~";
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function hasNativeShiftJis(): boolean {
  try {
    return new TextDecoder("shift_jis").encoding === "shift_jis";
  } catch {
    return false;
  }
}

function decodeInPieces(decoder: { write(b: Uint8Array): string; end(): string }, bytes: Buffer, size: number): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += size) text += decoder.write(bytes.subarray(i, i + size));
  return text + decoder.end();
}

describe("detectEncoding", () => {
  it("tells UTF-8, UTF-8 with BOM and CP932 apart", () => {
    expect(detectEncoding(Buffer.from("name\n" + JAPANESE))).toBe("utf-8");
    expect(detectEncoding(Buffer.concat([BOM, Buffer.from("name\n")]))).toBe("utf-8-bom");
    expect(detectEncoding(iconv.encode("name\n" + JAPANESE, "cp932"))).toBe("cp932");
    expect(detectEncoding(Buffer.from("plain ascii"))).toBe("utf-8");
  });

  it("does not take a UTF-8 character cut at the end of the sample for an error", () => {
    const bytes = Buffer.from("名前,表");
    for (let cut = 1; cut <= 2; cut++) expect(detectEncoding(bytes.subarray(0, bytes.length - cut))).toBe("utf-8");
    // ...unless the sample is the whole file
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1), true)).toBe("cp932");
  });

  it("lets the first line beyond ASCII decide a sample that mixes UTF-8 and CP932 lines", () => {
    // A UTF-8 file with rows pasted from a Shift_JIS one: UTF-8, refused later at the first such row.
    expect(detectEncoding(Buffer.concat([Buffer.from("name\n佐藤 太郎\n"), iconv.encode("表 ソ太郎\n", "cp932")]))).toBe("utf-8");
    expect(detectEncoding(Buffer.concat([iconv.encode("name\n表 ソ太郎\n", "cp932"), Buffer.from("佐藤 太郎\n")]))).toBe("cp932");
    // Half-width katakana can be valid 2-byte UTF-8 (ﾃｽ is C3 BD, "ý"): that alone is no evidence.
    expect(detectEncoding(iconv.encode("name\nﾃｽ\n表\n", "cp932"))).toBe("cp932");
  });

  it("sees CP932 whose last character looks like the start of a UTF-8 sequence", () => {
    // 表 is 95 5C in CP932; ソ 83 5C; 東 93 8C: none is UTF-8 however the sample is cut.
    const bytes = iconv.encode("表ソ東京", "cp932");
    for (let end = 2; end <= bytes.length; end++) expect(detectEncoding(bytes.subarray(0, end))).toBe("cp932");
  });
});

describe("decoders", () => {
  const cp932 = iconv.encode(JAPANESE, "cp932");

  it("decode CP932 with 0x5C second bytes and vendor characters, with iconv-lite and with Node's decoder alike", () => {
    expect(cp932.includes(0x5c)).toBe(true);
    for (const native of [false, hasNativeShiftJis()]) {
      for (const size of [1, 2, 3, cp932.length]) expect(decodeInPieces(createCp932Decoder(native), cp932, size)).toBe(JAPANESE);
    }
    expect(decodeInPieces(createDecoder("cp932"), cp932, 1)).toBe(JAPANESE);
  });

  it("decode UTF-8 in pieces and drop the BOM", () => {
    const bytes = Buffer.concat([BOM, Buffer.from(JAPANESE)]);
    for (const size of [1, 2, 5]) expect(decodeInPieces(createDecoder("utf-8-bom"), bytes, size)).toBe(JAPANESE);
  });

  it("turn bytes their encoding does not map into U+FFFD, for readCsvFile to refuse at their row", () => {
    const decoder = createDecoder("utf-8");
    expect(decoder.write(Buffer.from("名前\n"))).toBe("名前\n");
    expect(decoder.write(cp932)).toContain("\uFFFD");
    const cut = createDecoder("utf-8");
    expect(cut.write(Buffer.from("表").subarray(0, 2))).toBe("");
    expect(cut.end()).toBe("\uFFFD");
    for (const native of [false, hasNativeShiftJis()]) {
      expect(decodeInPieces(createCp932Decoder(native), Buffer.from([0x61, 0xa0, 0x62, 0xfd, 0x0a]), 1)).toBe("a\uFFFDb\uFFFD\n");
    }
  });
});

describe("AutoDecoder", () => {
  it("waits for the first bytes beyond ASCII to decide", () => {
    const bytes = iconv.encode("name,qty\r\n" + "a,1\r\n".repeat(50) + JAPANESE, "cp932");
    for (const size of [1, 7, 64]) {
      const decoder = new AutoDecoder();
      expect(decodeInPieces(decoder, bytes, size)).toBe("name,qty\r\n" + "a,1\r\n".repeat(50) + JAPANESE);
      expect(decoder.encoding).toBe("cp932");
    }
  });

  it("finds a BOM cut into pieces, and calls a plain-ASCII file UTF-8", () => {
    const bytes = Buffer.concat([BOM, Buffer.from("name\n" + JAPANESE)]);
    const decoder = new AutoDecoder();
    expect(decodeInPieces(decoder, bytes, 1)).toBe("name\n" + JAPANESE);
    expect(decoder.encoding).toBe("utf-8-bom");
    const ascii = new AutoDecoder();
    expect(decodeInPieces(ascii, Buffer.from("a,b\n"), 2)).toBe("a,b\n");
    expect(ascii.encoding).toBe("utf-8");
  });

  it("decides at the end for a file that ends in a cut sequence", () => {
    const decoder = new AutoDecoder();
    expect(decodeInPieces(decoder, Buffer.from([0x61, 0x0a, 0x95, 0x5c]), 3)).toBe("a\n表");
    expect(decoder.encoding).toBe("cp932");
  });

  it("refuses UTF-16 with a message that says what to do", () => {
    expect(() => new AutoDecoder().write(Buffer.from("\ufeffname", "utf16le"))).toThrow(/UTF-16.*save it as "CSV UTF-8"/);
  });
});
