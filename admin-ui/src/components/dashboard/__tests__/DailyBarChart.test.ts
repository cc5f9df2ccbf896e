import { mount } from "@vue/test-utils";
import type { ChartData, ChartOptions } from "chart.js";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { defineComponent, h } from "vue";
import DailyBarChart from "@/components/dashboard/DailyBarChart.vue";
import { setLocale } from "@/i18n";

// A browser that draws: the chart itself is replaced by a stub that keeps what it was given.
vi.mock("@/components/dashboard/canvasSupport", () => ({ canvasSupported: () => true }));
const seen: { data?: ChartData<"bar">; options?: ChartOptions<"bar">; label?: string } = {};
vi.mock("vue-chartjs", () => ({
  Bar: defineComponent({
    props: { data: { type: Object, required: true }, options: { type: Object, required: true } },
    setup(props, { attrs }) {
      return () => {
        seen.data = props.data as ChartData<"bar">;
        seen.options = props.options as ChartOptions<"bar">;
        seen.label = attrs["aria-label"] as string;
        return h("canvas", { role: attrs.role, "aria-label": attrs["aria-label"] });
      };
    },
  }),
}));

const props = {
  days: ["2026-01-01", "2026-01-02"],
  datasets: [
    { id: "revenue", label: "売上", values: [3_000, 12_800], color: "#5fb97c" },
    { id: "refunds", label: "返金", values: [0, 3_000], color: "#e07b70" },
  ],
  unit: "yen" as const,
  caption: "日別の売上と返金",
  summary: "売上は￥15,800です。",
};

describe("DailyBarChart", () => {
  beforeEach(() => setLocale("ja"));

  it("draws one bar per day and dataset, labelled by short day, with yen on the axis", () => {
    const wrapper = mount(DailyBarChart, { props });
    expect(seen.data?.labels).toEqual(["1/1", "1/2"]);
    expect(seen.data?.datasets.map((d) => [d.label, d.data, d.backgroundColor])).toEqual([
      ["売上", [3_000, 12_800], "#5fb97c"],
      ["返金", [0, 3_000], "#e07b70"],
    ]);
    const ticks = seen.options?.scales?.y?.ticks as { callback: (value: number) => string };
    expect(ticks.callback(12_800)).toBe("￥12,800");
    expect(seen.options?.scales?.x?.stacked).toBe(false);
    expect(wrapper.get("canvas").attributes()).toMatchObject({ role: "img", "aria-label": "売上は￥15,800です。" });
  });

  it("keeps the figures in a visually hidden table for screen readers", () => {
    const wrapper = mount(DailyBarChart, { props });
    const table = wrapper.get('[data-test="chart-table"]');
    expect(table.classes()).toContain("visually-hidden");
    expect(table.get("caption").text()).toBe("日別の売上と返金");
    expect(table.findAll("thead th").map((th) => th.text())).toEqual(["日付", "売上", "返金"]);
    expect(table.findAll("tbody tr").map((tr) => tr.findAll("th, td").map((c) => c.text()))).toEqual([
      ["2026年1月1日", "￥3,000", "￥0"],
      ["2026年1月2日", "￥12,800", "￥3,000"],
    ]);
  });

  it("stacks counts when asked, with whole numbers on the axis", () => {
    mount(DailyBarChart, { props: { ...props, unit: "count" as const, stacked: true } });
    expect(seen.options?.scales?.x?.stacked).toBe(true);
    expect(seen.options?.scales?.y?.stacked).toBe(true);
    const ticks = seen.options?.scales?.y?.ticks as { callback: (value: number) => string };
    expect(ticks.callback(1_234)).toBe("1,234");
  });
});
