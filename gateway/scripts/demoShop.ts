/**
 * A realistic demo shop created through the public GraphQL API: Japanese customers, orders of
 * 1–5 items, payments (some failed and retried, some refunded), shipments and notifications.
 * Used by `npm run seed:demo` and by the benchmarks, which seed their own data.
 */
import { isPayableAmount } from "@ops/rules";

const FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "斎藤", "清水"];
const GIVEN = ["太郎", "花子", "一郎", "さくら", "翔太", "陽菜", "大輝", "美咲", "拓海", "結衣", "ハルト", "ユイ", "蓮", "葵", "悠真", "凛"];
const ROMAJI = ["sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "yamamoto", "nakamura", "kobayashi", "kato", "yoshida", "yamada", "sasaki", "yamaguchi", "matsumoto", "inoue", "kimura", "hayashi", "saito", "shimizu"];
const PRODUCTS: [string, number][] = [
  ["静岡県産 深蒸し煎茶 100g", 1280], ["宇治抹茶 30g", 2160], ["有田焼 湯呑み", 3300], ["南部鉄器 急須", 8800],
  ["今治タオル フェイスタオル", 1650], ["信楽焼 マグカップ", 2420], ["北海道産 昆布 200g", 980], ["讃岐うどん 6食入り", 1500],
  ["京都 八ツ橋 詰め合わせ", 1080], ["輪島塗 箸", 4400], ["美濃焼 小皿セット", 2750], ["鹿児島 知覧茶 ティーバッグ", 860],
];

export type Post = <T = any>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/** Deterministic pseudo-random numbers, so two seeded shops look alike. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface DemoOrderInput {
  customerEmail: string;
  customerName: string;
  items: { productName: string; quantity: number; unitPrice: number }[];
}

export function demoOrder(i: number, random: () => number): DemoOrderInput {
  const f = Math.floor(random() * FAMILY.length);
  const given = GIVEN[Math.floor(random() * GIVEN.length)]!;
  const items = Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
    const [productName, unitPrice] = PRODUCTS[Math.floor(random() * PRODUCTS.length)]!;
    return { productName, quantity: 1 + Math.floor(random() * 3), unitPrice };
  });
  return { customerEmail: `${ROMAJI[f]}.${i}@example.jp`, customerName: `${FAMILY[f]} ${given}`, items };
}

/** How long to wait before trying again after a 429: its Retry-After (seconds), else 1 s; at most a minute. */
export function retryDelayMs(retryAfter: string | null): number {
  const seconds = retryAfter === null || retryAfter.trim() === "" ? Number.NaN : Number(retryAfter);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 1000;
}

/**
 * A GraphQL POST function for a URL with extra headers. The gateway limits requests per identity
 * (RATE_LIMIT_PER_MINUTE): a 429 is waited out as its Retry-After says and the request sent
 * again, so a script that sends many requests finishes on the default settings instead of failing.
 */
export function poster(url: string, headers: Record<string, string> = {}, onWait?: (ms: number) => void): Post {
  return async (query, variables = {}) => {
    for (;;) {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables }) });
      if (res.status === 429) {
        await res.body?.cancel();
        const ms = retryDelayMs(res.headers.get("retry-after"));
        onWait?.(ms);
        await new Promise((r) => setTimeout(r, ms));
        continue;
      }
      const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
      if (body.errors?.length) throw new Error(`${body.errors.map((e) => e.message).join("; ")}`);
      return body.data;
    }
  };
}

/** Runs `task` for 0..count-1 with at most `concurrency` in flight. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

const M = {
  createOrder: `mutation($input: CreateOrderInput!) { createOrder(input: $input) { id totalAmount } }`,
  createPayment: `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id } }`,
  complete: `mutation($id: ID!) { completePayment(id: $id) { id status } }`,
  fail: `mutation($input: FailPaymentInput!) { failPayment(input: $input) { id } }`,
  retry: `mutation($id: ID!) { retryPayment(id: $id) { id } }`,
  move: `mutation($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { id status } }`,
  cancel: `mutation($input: CancelOrderInput!) { cancelOrder(input: $input) { id } }`,
  notify: `mutation($input: SendNotificationInput!) { sendNotification(input: $input) { id status } }`,
  order: `query($id: ID!) { order(id: $id) { status } }`,
};

/** Waits until the payment flow has confirmed the order (it is asynchronous but quick). */
async function confirmed(post: Post, id: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const { order } = await post(M.order, { id });
    if (order.status !== "PENDING") return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * Takes one demo order through a lifecycle chosen by `random`: left pending, paid (the payment
 * flow confirms and notifies), shipped and delivered, a failed payment retried, or cancelled
 * (the flow refunds and notifies). Needs an admin identity (cancelling a paid order refunds it).
 */
export async function seedOrder(post: Post, i: number, random: () => number): Promise<void> {
  const input = demoOrder(i, random);
  const { createOrder } = await post(M.createOrder, { input });
  const id: string = createOrder.id;
  const roll = random();
  if (roll < 0.15 || !isPayableAmount(createOrder.totalAmount)) return; // still pending
  const method = ["credit_card", "konbini", "bank_transfer", "paypay"][Math.floor(random() * 4)];
  const { createPayment } = await post(M.createPayment, { input: { orderId: id, paymentMethod: method } });
  if (roll < 0.25) {
    await post(M.fail, { input: { id: createPayment.id, reason: "カードの有効期限切れ" } });
    if (random() < 0.5) return;
    await post(M.retry, { id: createPayment.id });
  }
  await post(M.complete, { id: createPayment.id });
  if (!(await confirmed(post, id))) throw new Error(`order ${id} was not confirmed after its payment completed`);
  if (roll < 0.35) {
    await post(M.cancel, { input: { id, reason: "お客様のご都合によるキャンセル" } });
    return;
  }
  if (roll < 0.55) return; // confirmed, not shipped yet
  await post(M.move, { input: { id, status: "SHIPPED" } });
  if (roll < 0.6) await post(M.notify, { input: { orderId: id, templateName: "ORDER_SHIPPED", channel: "SMS", phoneNumber: "090-1234-5678" } });
  if (roll < 0.8) await post(M.move, { input: { id, status: "DELIVERED" } });
}
