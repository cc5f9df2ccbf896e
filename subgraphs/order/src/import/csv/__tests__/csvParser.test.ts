import { describe, expect, it } from "vitest";
import { CsvFormatError, CsvParser } from "../index.js";

type Rec = [string[], number];

/** Parses `text` cut into pieces of `size` characters (the whole text when size is 0). */
function parse(text: string, size = 0): { records: Rec[]; lineCount: number } {
  const records: Rec[] = [];
  const parser = new CsvParser();
  const on = (fields: string[], line: number) => records.push([fields, line]);
  if (size === 0) parser.push(text, on);
  else for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size), on);
  parser.end(on);
  return { records, lineCount: parser.lineCount };
}

// Line 1 header; 2 a quoted comma and doubled quotes; 3-4 a CRLF inside quotes; 5 blank;
// 6-8 a lone CR and an LF inside quotes; 9 a lone-CR record end; 10 the last line, no newline.
const TRICKY =
  'name,note\r\n' +
  '"Sato, Taro","He said ""hi"""\r\n' +
  '"line one\r\nline two",b\r\n' +
  '\r\n' +
  'c,"three\rparts\nhere"\n' +
  'd,e\r' +
  'last,"row"';

const TRICKY_RECORDS: Rec[] = [
  [["name", "note"], 1],
  [["Sato, Taro", 'He said "hi"'], 2],
  [["line one\r\nline two", "b"], 3],
  [["c", "three\rparts\nhere"], 6],
  [["d", "e"], 9],
  [["last", "row"], 10],
];

describe("CsvParser", () => {
  it("reads LF, CRLF and lone CR record ends", () => {
    expect(parse("a,b\n1,2\n").records).toEqual([[["a", "b"], 1], [["1", "2"], 2]]);
    expect(parse("a,b\r\n1,2\r\n").records).toEqual([[["a", "b"], 1], [["1", "2"], 2]]);
    expect(parse("a,b\r1,2\r").records).toEqual([[["a", "b"], 1], [["1", "2"], 2]]);
  });

  it("reads quoted commas, doubled quotes and newlines inside quotes, numbering records by the line they start on", () => {
    const { records, lineCount } = parse(TRICKY);
    expect(records).toEqual(TRICKY_RECORDS);
    expect(lineCount).toBe(10);
  });

  it.each([1, 2, 3, 7, 13])("gives the same records when the text comes in %i-character chunks", (size) => {
    expect(parse(TRICKY, size).records).toEqual(TRICKY_RECORDS);
    expect(parse(TRICKY + "\r\n", size)).toEqual({ records: TRICKY_RECORDS, lineCount: 10 });
  });

  it("gives the same records for chunks cut at random places in a long text", () => {
    const rows = Array.from({ length: 300 }, (_, i) =>
      [i % 5 === 0 ? `"q${i}, ""x""\r\nnext"` : `v${i}`, "", i % 7 === 0 ? '"\r"' : "表ソ", i % 3 === 0 ? '""' : "z"].join(","),
    );
    const text = rows.map((row, i) => row + (i % 4 === 0 ? "\r\n\r\n" : i % 4 === 1 ? "\n" : i % 4 === 2 ? "\r" : "\r\n")).join("");
    const whole = parse(text);
    expect(whole.records).toHaveLength(300);
    let seed = 7;
    const parser = new CsvParser();
    const records: Rec[] = [];
    const on = (fields: string[], line: number) => records.push([fields, line]);
    for (let i = 0; i < text.length; ) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const size = 1 + (seed % 11);
      parser.push(text.slice(i, i + size), on);
      i += size;
    }
    parser.end(on);
    expect(records).toEqual(whole.records);
    expect(parser.lineCount).toBe(whole.lineCount);
  });

  it("skips completely empty lines but counts them as lines", () => {
    const { records, lineCount } = parse("h\n\n\r\n1\n\n2\n\n");
    expect(records).toEqual([[["h"], 1], [["1"], 4], [["2"], 6]]);
    expect(lineCount).toBe(7);
  });

  it("keeps a line of spaces, a line of commas and a quoted empty field as records", () => {
    expect(parse(" \n,,\n\"\"\n").records).toEqual([[[" "], 1], [["", "", ""], 2], [[""], 3]]);
  });

  it("delivers a last record without a final newline, also one ending in a comma or a closing quote", () => {
    expect(parse("a,b\n1,2").records).toEqual([[["a", "b"], 1], [["1", "2"], 2]]);
    expect(parse("a,b\n1,").records).toEqual([[["a", "b"], 1], [["1", ""], 2]]);
    for (const size of [0, 1, 2]) expect(parse('a\n"x"', size).records).toEqual([[["a"], 1], [["x"], 2]]);
  });

  it("keeps a quote inside an unquoted field and text after a closing quote, as Excel does", () => {
    expect(parse('ab"c,"d"e,"f"\n').records).toEqual([[['ab"c', "de", "f"], 1]]);
  });

  it("throws a CsvFormatError naming the line of a quoted field that never closes", () => {
    const parser = new CsvParser();
    const on = () => {};
    parser.push('h\n1\n"open\nstill open\n', on);
    let error: unknown;
    try {
      parser.end(on);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as CsvFormatError).lineNumber).toBe(3);
    expect((error as CsvFormatError).message).toBe("the quoted field starting on line 3 has no closing quote");
  });

  it("stops holding text for a field longer than maxFieldLength", () => {
    const parser = new CsvParser({ maxFieldLength: 100 });
    const on = () => {};
    parser.push('h\n"', on);
    expect(() => parser.push("x".repeat(200), on)).toThrow(/a field starting on line 2 is longer than 100 characters; is a closing quote missing\?/);
  });

  it("counts no line for empty input", () => {
    expect(parse("")).toEqual({ records: [], lineCount: 0 });
  });
});
