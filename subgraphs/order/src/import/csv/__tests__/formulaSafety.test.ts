import { describe, expect, it } from "vitest";
import { neutralise, restoreNeutralised } from "../formulaSafety.js";

describe("formula safety", () => {
  it("neutralises what a spreadsheet would run", () => {
    for (const cell of ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")']) {
      expect(neutralise(cell)).toBe(`'${cell}`);
    }
    for (const cell of ["山田 太郎", "1650", "a=b", "", "'quoted"]) expect(neutralise(cell)).toBe(cell);
  });

  it("restores exactly what it neutralised, and nothing else", () => {
    for (const cell of ["=cmd|' /C calc'!A0", "-2", "@x", "plain", "'not added by us", "'=typed with an apostrophe", "''=x"]) {
      expect(restoreNeutralised(neutralise(cell))).toBe(cell);
    }
    expect(restoreNeutralised("'plain")).toBe("'plain");
  });
});
