import { describe, expect, it } from "vitest";
import { emptyNotificationFilters, notificationFiltersFromQuery, notificationFiltersToQuery, toNotificationFilter } from "@/domain/notificationFilters";

describe("notification filters", () => {
  it("round-trips through the address, ignoring what is malformed", () => {
    const f = notificationFiltersFromQuery({ status: "FAILED,BOGUS,SENT", channel: "FAX", template: " ORDER_SHIPPED ", order: "12", batch: ["b-1", "b-2"] });
    expect(f).toEqual({ statuses: ["FAILED", "SENT"], channel: "", templateName: "ORDER_SHIPPED", orderId: "12", batchId: "b-1" });
    expect(notificationFiltersToQuery(f)).toEqual({ status: "SENT,FAILED", template: "ORDER_SHIPPED", order: "12", batch: "b-1" });
    expect(notificationFiltersFromQuery(notificationFiltersToQuery(f))).toEqual({ ...f, statuses: ["SENT", "FAILED"] });
  });

  it("sends only what filters, or null", () => {
    expect(toNotificationFilter(emptyNotificationFilters())).toBeNull();
    expect(toNotificationFilter({ ...emptyNotificationFilters(), channel: "SMS", orderId: " 7 " })).toEqual({ channel: "SMS", orderId: "7" });
  });
});
