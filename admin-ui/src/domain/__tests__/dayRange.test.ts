import { describe, expect, it } from "vitest";
import { addDays, presetRange, RANGE_PRESETS } from "@/domain/dayRange";
import { japanDay } from "@/i18n/format";

describe("presetRange", () => {
  it("ends today and spans exactly the preset's days, today included", () => {
    expect(presetRange(7, "2026-11-25")).toEqual({ from: "2026-11-19", to: "2026-11-25" });
    expect(presetRange(30, "2026-11-25")).toEqual({ from: "2026-10-27", to: "2026-11-25" });
    expect(presetRange(90, "2026-11-25")).toEqual({ from: "2026-08-28", to: "2026-11-25" });
    expect(RANGE_PRESETS).toEqual([7, 30, 90]);
  });

  it("crosses month, year and leap-day boundaries as the calendar does", () => {
    expect(presetRange(7, "2026-01-03")).toEqual({ from: "2025-12-28", to: "2026-01-03" });
    expect(presetRange(7, "2024-03-02")).toEqual({ from: "2024-02-25", to: "2024-03-02" });
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2025-02-28", 1)).toBe("2025-03-01");
  });

  it("counts days in Japan time: 2026-01-01T15:30Z is already the 2nd", () => {
    const today = japanDay(new Date("2026-01-01T15:30:00Z"));
    expect(today).toBe("2026-01-02");
    expect(presetRange(7, today)).toEqual({ from: "2025-12-27", to: "2026-01-02" });
    expect(presetRange(7, japanDay(new Date("2026-01-01T14:59:59Z")))).toEqual({ from: "2025-12-26", to: "2026-01-01" });
  });
});
