import { describe, expect, it } from "vitest";
import { checkText, describeTextProblem, findTextProblem, type TextKind, type TextProblemReason } from "../text.js";

describe("the text rule", () => {
  it.each<[string, string, TextKind]>([
    ["a Japanese name", "山田 太郎", "line"],
    ["full-width space and kana", "ヤマダ　タロウ", "line"],
    ["an e-mail address", "taro.yamada+shop@example.co.jp", "line"],
    ["a character outside the BMP (a surrogate pair)", "𠮷野家 😀", "line"],
    ["a pasted trailing line break on one line (callers trim it)", "山田 太郎\r\n", "line"],
    ["a leading tab on one line (callers trim it)", "\t山田", "line"],
    ["Arabic and Hebrew letters (no control characters)", "متجر שלום", "line"],
    ["line feeds and tabs in a multi-line field", "{{customer_name}} 様\n\tご注文ありがとうございます。\n", "text"],
    ["CRLF line breaks in a multi-line field", "一行目\r\n二行目\r\n", "text"],
    ["an empty string", "", "line"],
  ])("accepts %s", (_label, value, kind) => {
    expect(findTextProblem(value, kind)).toBeNull();
    expect(checkText(value, kind).ok).toBe(true);
  });

  it.each<[string, string, TextKind, TextProblemReason, number, string]>([
    ["NUL", "山田\u0000太郎", "line", "controlCharacter", 2, "U+0000"],
    ["ESC (terminal escape sequences)", "\u001b[31m赤", "line", "controlCharacter", 0, "U+001B"],
    ["a line feed inside a single-line value", "山田\n太郎", "line", "controlCharacter", 2, "U+000A"],
    ["CR LF inside a single-line value", "a\r\nb", "line", "controlCharacter", 1, "U+000D"],
    ["a tab inside a single-line value", "山田\t太郎", "line", "controlCharacter", 2, "U+0009"],
    ["DEL", "abc\u007f", "line", "controlCharacter", 3, "U+007F"],
    ["a C1 control (NEL)", "a\u0085b", "line", "controlCharacter", 1, "U+0085"],
    ["a C1 control (CSI)", "x\u009b", "line", "controlCharacter", 1, "U+009B"],
    ["RTL override", "invoice\u202Efdp.exe", "line", "bidiControl", 7, "U+202E"],
    ["LTR embedding", "\u202Aabc", "line", "bidiControl", 0, "U+202A"],
    ["first strong isolate", "ab\u2068c", "line", "bidiControl", 2, "U+2068"],
    ["pop directional isolate", "abc\u2069", "line", "bidiControl", 3, "U+2069"],
    ["a lone high surrogate", "ab\ud800cd", "line", "loneSurrogate", 2, "U+D800"],
    ["a lone low surrogate", "ab\udc00", "line", "loneSurrogate", 2, "U+DC00"],
    ["a high surrogate at the end", "abc\ud83d", "line", "loneSurrogate", 3, "U+D83D"],
    ["swapped surrogates", "\ude00\ud83d", "line", "loneSurrogate", 0, "U+DE00"],
    ["NUL in a multi-line field", "本文\u0000", "text", "controlCharacter", 2, "U+0000"],
    ["a lone CR in a multi-line field", "一行目\r二行目", "text", "controlCharacter", 3, "U+000D"],
    ["a CR at the end of a multi-line field", "本文\r", "text", "controlCharacter", 2, "U+000D"],
    ["a vertical tab in a multi-line field", "a\u000bb", "text", "controlCharacter", 1, "U+000B"],
    ["ESC in a multi-line field", "色\u001b[0m", "text", "controlCharacter", 1, "U+001B"],
    ["RTL override in a multi-line field", "理由\n\u202E逆", "text", "bidiControl", 3, "U+202E"],
    ["a lone surrogate in a multi-line field", "理由\n\udfff", "text", "loneSurrogate", 3, "U+DFFF"],
    ["a control character after leading blanks (position in the value as given)", "  a\u0007", "line", "controlCharacter", 3, "U+0007"],
  ])("refuses %s", (_label, value, kind, reason, position, character) => {
    expect(findTextProblem(value, kind)).toEqual({ reason, position, character });
    expect(checkText(value, kind)).toEqual({ ok: false, problem: { reason, position, character } });
  });

  it("reads CRLF as LF in a multi-line field and leaves a single-line value as given", () => {
    expect(checkText("一行目\r\n二行目\r\n", "text")).toEqual({ ok: true, value: "一行目\n二行目\n" });
    expect(checkText("  山田 太郎\n", "line")).toEqual({ ok: true, value: "  山田 太郎\n" });
  });

  it("describes a problem for English messages", () => {
    expect(describeTextProblem({ reason: "bidiControl", position: 7, character: "U+202E" })).toBe("a bidirectional control character (U+202E) at position 7");
  });
});
