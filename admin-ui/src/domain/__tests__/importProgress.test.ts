import { describe, expect, it } from "vitest";
import { csvFileProblem } from "@/domain/importFile";
import { etaSeconds, formatBytes, formatDuration, formatEta, isActive, isCancellable, observedRate, percentDone, writingEtaSeconds } from "@/domain/importProgress";
import { translator } from "@/i18n";

const ja = translator("ja");
const en = translator("en");

describe("percentDone", () => {
  it("is the progress as a whole percent, rounded down", () => {
    expect(percentDone(0, "PENDING")).toBe(0);
    expect(percentDone(0.256, "RUNNING")).toBe(25);
    expect(percentDone(0.5, "RUNNING")).toBe(50);
  });

  it("shows a full bar only once the import has completed", () => {
    expect(percentDone(0.999, "RUNNING")).toBe(99);
    expect(percentDone(1, "RUNNING")).toBe(99);
    expect(percentDone(1, "COMPLETED")).toBe(100);
    // The API says 1 for a completed import; a stale 0.7 must not leave the bar short either.
    expect(percentDone(0.7, "COMPLETED_WITH_ERRORS")).toBe(100);
    expect(percentDone(0.4, "CANCELLED")).toBe(40);
  });

  it("treats nonsense as nothing done", () => {
    expect(percentDone(Number.NaN, "RUNNING")).toBe(0);
    expect(percentDone(-0.2, "RUNNING")).toBe(0);
  });
});

describe("etaSeconds", () => {
  it("is the remaining rows over the rate", () => {
    expect(etaSeconds({ totalRows: 10_000, rowsDone: 2_000, rowsPerSecond: 100 })).toBe(80);
    expect(etaSeconds({ totalRows: 1_000_000, rowsDone: 250_000, rowsPerSecond: 12_500 })).toBe(60);
  });

  it("is unknown without a rate or before the total is known", () => {
    expect(etaSeconds({ totalRows: 10_000, rowsDone: 0, rowsPerSecond: 0 })).toBeNull();
    expect(etaSeconds({ totalRows: 0, rowsDone: 5_000, rowsPerSecond: 2_500 })).toBeNull();
    expect(etaSeconds({ totalRows: 10_000, rowsDone: 10, rowsPerSecond: Number.POSITIVE_INFINITY })).toBeNull();
    expect(etaSeconds({ totalRows: 10_000, rowsDone: 10, rowsPerSecond: Number.NaN })).toBeNull();
  });

  it("never goes below zero when the rows done pass the total", () => {
    expect(etaSeconds({ totalRows: 100, rowsDone: 120, rowsPerSecond: 50 })).toBe(0);
  });
});

describe("formatDuration and formatEta", () => {
  it("says the time left in words in both languages", () => {
    expect(formatEta(80, ja)).toBe("約1分20秒");
    expect(formatEta(80, en)).toBe("about 1 min 20 s");
    expect(formatEta(45.4, ja)).toBe("約45秒");
    expect(formatEta(120, en)).toBe("about 2 min");
    expect(formatEta(3_600 + 5 * 60 + 12, ja)).toBe("約1時間5分");
    expect(formatEta(7_200, en)).toBe("about 2 h");
  });

  it("rounds to whole seconds, carrying into minutes", () => {
    expect(formatDuration(59.6, en)).toBe("1 min");
    expect(formatDuration(0.2, ja)).toBe("0秒");
  });

  it("says when it cannot be told, and when it is nearly done", () => {
    expect(formatEta(null, ja)).toBe("計算中");
    expect(formatEta(null, en)).toBe("estimating…");
    expect(formatEta(0, ja)).toBe("まもなく完了");
    expect(formatEta(Number.NaN, en)).toBe("estimating…");
  });

  it("joins etaSeconds for the rate edge cases", () => {
    expect(formatEta(etaSeconds({ totalRows: 10_000, rowsDone: 2_000, rowsPerSecond: 100 }), ja)).toBe("約1分20秒");
    expect(formatEta(etaSeconds({ totalRows: 10_000, rowsDone: 2_000, rowsPerSecond: 0 }), en)).toBe("estimating…");
  });
});

describe("statuses", () => {
  it("follows queued, running and cancelling imports, and offers cancel only before cancelling", () => {
    expect(["PENDING", "RUNNING", "CANCELLING"].every((s) => isActive(s as "PENDING"))).toBe(true);
    expect(["COMPLETED", "COMPLETED_WITH_ERRORS", "FAILED", "CANCELLED"].some((s) => isActive(s as "COMPLETED"))).toBe(false);
    expect(isCancellable("RUNNING")).toBe(true);
    expect(isCancellable("CANCELLING")).toBe(false);
    expect(isCancellable("COMPLETED")).toBe(false);
  });
});

describe("formatBytes", () => {
  it("uses binary units as file managers do", () => {
    expect(formatBytes(532)).toBe("532 B");
    expect(formatBytes(12_700)).toBe("12 KB");
    expect(formatBytes(3.2 * 1024 * 1024)).toBe("3.2 MB");
    expect(formatBytes(209_715_200)).toBe("200 MB");
  });
});

describe("csvFileProblem", () => {
  it("takes a .csv whatever type the browser gives it", () => {
    expect(csvFileProblem({ name: "orders.csv", size: 10, type: "" })).toBeNull();
    expect(csvFileProblem({ name: "ORDERS.CSV", size: 10, type: "application/vnd.ms-excel" })).toBeNull();
    expect(csvFileProblem({ name: "export", size: 10, type: "text/csv" })).toBeNull();
  });

  it("refuses other files, empty ones and files over the limit, naming the file", () => {
    expect(csvFileProblem({ name: "orders.xlsx", size: 10, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" })).toEqual({ key: "import.file.notCsv", params: { name: "orders.xlsx" } });
    expect(csvFileProblem({ name: "orders.xls", size: 10, type: "application/vnd.ms-excel" })?.key).toBe("import.file.notCsv");
    expect(csvFileProblem({ name: "empty.csv", size: 0, type: "text/csv" })?.key).toBe("import.file.empty");
    const big = csvFileProblem({ name: "big.csv", size: 300 * 1024 * 1024, type: "text/csv" }, 209_715_200);
    expect(big).toEqual({ key: "import.file.tooLarge", params: { size: "300 MB", max: "200 MB" } });
    expect(ja(big!.key, big!.params)).toContain("200 MB");
  });
});

describe("observedRate", () => {
  const at = (second: number, rowsDone: number, phase: string | null = "writing") => ({ at: second * 1000, phase, rowsDone });

  it("is the rows done between polls of the current phase over the time between them", () => {
    expect(observedRate([at(0, 0), at(1, 2_000), at(2, 6_000)])).toBe(3_000);
  });

  it("ignores polls of the previous phase (reading the file is much faster than writing orders)", () => {
    expect(observedRate([at(0, 100_000, "parsing"), at(1, 200_000, "parsing"), at(2, 4_000), at(4, 12_000)])).toBe(4_000);
  });

  it("averages over the last RATE_WINDOW polls only", () => {
    const samples = Array.from({ length: 20 }, (_, i) => at(i, i < 10 ? i * 100 : 900 + (i - 9) * 1_000));
    // Over all 20 polls it would be 10,900 rows in 19 s (574/s); the last RATE_WINDOW say 1,000/s.
    expect(observedRate(samples)).toBe(1_000);
  });

  it("is unknown with fewer than two polls of the phase, or no time between them", () => {
    expect(observedRate([])).toBeNull();
    expect(observedRate([at(0, 10)])).toBeNull();
    expect(observedRate([at(0, 10, "parsing"), at(1, 10)])).toBeNull();
    expect(observedRate([at(1, 10), at(1, 20)])).toBeNull();
  });

  it("starts again when the rows go back (a resumed import)", () => {
    expect(observedRate([at(0, 8_000), at(1, 2_000), at(2, 4_000)])).toBe(2_000);
  });
});

describe("writingEtaSeconds", () => {
  it("is the rows left to write at the observed rate", () => {
    expect(writingEtaSeconds({ phase: "writing", totalRows: 10_000, rowsDone: 4_000 }, 2_000)).toBe(3);
  });

  it("is unknown while the file is read, or before a rate is observed", () => {
    expect(writingEtaSeconds({ phase: "parsing", totalRows: 10_000, rowsDone: 4_000 }, 2_000)).toBeNull();
    expect(writingEtaSeconds({ phase: "writing", totalRows: 10_000, rowsDone: 4_000 }, null)).toBeNull();
    expect(writingEtaSeconds({ phase: "writing", totalRows: 10_000, rowsDone: 4_000 }, 0)).toBeNull();
    expect(writingEtaSeconds({ phase: "writing", totalRows: 10_000, rowsDone: 10_000 }, 0)).toBe(0);
  });
});
