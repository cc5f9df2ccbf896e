/** Federation: entity references, Order.notifications newest first, and constant SQL per batch. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mustQuery } from "@ops/service-kit/testing";
import { findNotifications, plantNotification } from "./rows.js";
import { startWorld, type World } from "./world.js";

let world: World;
beforeAll(async () => {
  world = await startWorld();
  // Two notifications for each of orders 1..50; the notification service reads no order data here.
  const rows = Array.from({ length: 50 }, (_, i) => i + 1).flatMap((orderId) =>
    ["ORDER_CONFIRMATION", "ORDER_SHIPPED"].map((templateName, k) => ({
      orderId,
      channel: "EMAIL" as const,
      templateName,
      recipient: `c${orderId}@example.jp`,
      subject: null,
      body: null,
      status: "SENT" as const,
      createdAt: new Date(Date.UTC(2026, 10, 25, 0, orderId, k)),
    })),
  );
  for (const row of rows) await plantNotification(world.notification.database, row);
});
afterAll(() => world.stop());

const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Order { id notifications { id orderId templateName order { id } } }
} }`;

async function entitiesFor(count: number) {
  const representations = Array.from({ length: count }, (_, i) => ({ __typename: "Order", id: String(i + 1) }));
  world.queries.reset();
  const data = await mustQuery(world.notification.url, ENTITIES, { representations });
  return { entities: data._entities as any[], statements: world.queries.count };
}

describe("Order entity", () => {
  it("resolves Order references with their notifications, newest first", async () => {
    const { entities } = await entitiesFor(5);
    expect(entities).toHaveLength(5);
    expect(entities[2]).toEqual({
      id: "3",
      notifications: [
        { id: expect.any(String), orderId: "3", templateName: "ORDER_SHIPPED", order: { id: "3" } },
        { id: expect.any(String), orderId: "3", templateName: "ORDER_CONFIRMATION", order: { id: "3" } },
      ],
    });
    const unknown = await mustQuery(world.notification.url, ENTITIES, { representations: [{ __typename: "Order", id: "777" }] });
    expect(unknown._entities).toEqual([{ id: "777", notifications: [] }]);
  });

  it("costs the same number of SQL statements for 5 and for 50 orders", async () => {
    const five = await entitiesFor(5);
    const fifty = await entitiesFor(50);
    expect(fifty.entities).toHaveLength(50);
    expect(fifty.entities.every((e) => e.notifications.length === 2)).toBe(true);
    expect(five.statements).toBeGreaterThan(0);
    expect(fifty.statements).toBe(five.statements);
    expect(fifty.statements).toBeLessThanOrEqual(2);
  });
});

describe("Notification entity", () => {
  it("resolves Notification references in one query", async () => {
    const ids = (await findNotifications(world.notification.database)).slice(0, 10).map((n) => String(n.id));
    world.queries.reset();
    const data = await mustQuery(
      world.notification.url,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Notification { id status channel order { id } } } }`,
      { r: [...ids, "999999"].map((id) => ({ __typename: "Notification", id })) },
    );
    expect(data._entities.slice(0, 10).map((n: any) => n.id)).toEqual(ids);
    expect(data._entities[0]).toMatchObject({ status: "SENT", channel: "EMAIL", order: { id: "1" } });
    expect(data._entities[10]).toBeNull();
    expect(world.queries.count).toBe(1);
  });
});
