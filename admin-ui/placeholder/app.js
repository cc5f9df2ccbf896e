// Admin UI placeholder (no build step; the Vue app replaces it). Signs in with the gateway's
// session cookie (HttpOnly: this script never sees the token), shows the latest orders and only
// the actions the signed-in role may take. The server checks every action again.
// No inline script or style and no innerHTML: it runs under a self-only CSP.

const RANK = { viewer: 1, operator: 2, admin: 3 };
const yen = new Intl.NumberFormat("ja-JP", { style: "currency", currency: "JPY" });
const $ = (id) => document.getElementById(id);
let user = null;

const ORDERS = `query LatestOrders { orders(first: 20) { edges { node {
  id customerName status totalAmount updatedAt payment { id status } } } } }`;
const UPDATE_STATUS = `mutation UpdateStatus($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { id status } }`;
const CANCEL = `mutation Cancel($input: CancelOrderInput!) { cancelOrder(input: $input) { id status } }`;
const REFUND = `mutation Refund($input: RefundPaymentInput!) { refundPayment(input: $input) { id status } }`;

/** What a role may do with an order; `role` is the least role the server will accept. */
const ACTIONS = [
  {
    label: "手動で確定 / Confirm by hand",
    role: () => "admin",
    when: (o) => o.status === "PENDING",
    run: (o) => withReason("確定の理由 / Reason for confirming by hand", (reason) =>
      graphql(UPDATE_STATUS, { input: { id: o.id, status: "CONFIRMED", reason, expectedUpdatedAt: o.updatedAt } })),
  },
  {
    label: "発送 / Ship",
    role: () => "operator",
    when: (o) => o.status === "CONFIRMED",
    run: (o) => graphql(UPDATE_STATUS, { input: { id: o.id, status: "SHIPPED", expectedUpdatedAt: o.updatedAt } }),
  },
  {
    label: "配達済み / Delivered",
    role: () => "operator",
    when: (o) => o.status === "SHIPPED",
    run: (o) => graphql(UPDATE_STATUS, { input: { id: o.id, status: "DELIVERED", expectedUpdatedAt: o.updatedAt } }),
  },
  {
    label: "キャンセル / Cancel",
    // A confirmed order may be paid: cancelling it refunds, which only an admin may do.
    role: (o) => (o.status === "CONFIRMED" ? "admin" : "operator"),
    when: (o) => o.status === "PENDING" || o.status === "CONFIRMED",
    run: (o) => withReason("キャンセルの理由 / Reason for cancelling", (reason) =>
      graphql(CANCEL, { input: { id: o.id, reason, expectedUpdatedAt: o.updatedAt } })),
  },
  {
    label: "返金 / Refund",
    role: () => "admin",
    when: (o) => o.payment?.status === "COMPLETED",
    run: (o) => withReason("返金の理由 / Reason for the refund", (reason) =>
      graphql(REFUND, { input: { paymentId: o.payment.id, reason } })),
  },
];

function show(section) {
  for (const id of ["loading", "sign-in", "password", "orders"]) $(id).hidden = id !== section;
}

async function withReason(question, task) {
  const reason = window.prompt(question);
  if (reason && reason.trim()) await task(reason.trim());
}

/** JSON to and from the gateway's /auth routes; the cookie goes along (same origin). */
async function auth(path, body) {
  const res = await fetch(`/auth/${path}`, {
    method: body === undefined ? "GET" : "POST",
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? {} : await res.json();
  return { status: res.status, data, error: data.errors?.[0] };
}

class GraphQLFailure extends Error {
  constructor(error) {
    super(error.message);
    this.code = error.extensions?.code;
    this.params = error.extensions?.params ?? {};
  }
}

/** Runs an operation; the first error becomes a GraphQLFailure carrying its extensions.code. */
async function graphql(query, variables = {}) {
  const res = await fetch("/graphql", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors?.length) throw new GraphQLFailure(body.errors[0]);
  return body.data;
}

/** Reacts to what the server said: back to sign-in, to the forced password change, or a message. */
function handleFailure(err, messageEl) {
  if (err instanceof GraphQLFailure && err.code === "UNAUTHENTICATED") return signedOut("セッションが切れました。/ Your session has ended: sign in again.");
  if (err instanceof GraphQLFailure && err.params.reason === "PASSWORD_CHANGE_REQUIRED") return openPassword(true);
  messageEl.textContent = err instanceof GraphQLFailure ? `${err.code}: ${err.message}` : `通信エラー / Network error: ${err.message}`;
}

function signedIn(me) {
  user = me;
  $("who").textContent = me.username;
  $("role").textContent = me.role;
  $("session").hidden = false;
  if (me.mustChangePassword) openPassword(true);
  else loadOrders();
}

function signedOut(message = "") {
  user = null;
  $("session").hidden = true;
  $("sign-in-error").textContent = message;
  $("sign-in-form").reset();
  show("sign-in");
}

function openPassword(required) {
  $("password-form").reset();
  $("password-error").textContent = "";
  $("password-required").hidden = !required;
  $("password-cancel").hidden = required;
  $("show-password").disabled = required;
  show("password");
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function renderOrders(orders) {
  const rows = $("order-rows");
  rows.replaceChildren();
  for (const order of orders) {
    const row = rows.insertRow();
    cell(row, order.id);
    cell(row, order.customerName);
    cell(row, order.status);
    cell(row, yen.format(order.totalAmount), "number");
    cell(row, order.payment?.status ?? "—");
    const actions = cell(row, "", "actions");
    for (const action of ACTIONS) {
      if (!action.when(order) || RANK[user.role] < RANK[action.role(order)]) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = action.label;
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          await action.run(order);
          await loadOrders();
        } catch (err) {
          handleFailure(err, $("orders-error"));
        } finally {
          button.disabled = false;
        }
      });
      actions.append(button);
    }
  }
}

async function loadOrders() {
  $("orders-error").textContent = "";
  show("orders");
  try {
    const data = await graphql(ORDERS);
    renderOrders(data.orders.edges.map((e) => e.node));
  } catch (err) {
    handleFailure(err, $("orders-error"));
  }
}

$("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const { status, data, error } = await auth("login", { username: form.get("username"), password: form.get("password") });
  if (status === 200) signedIn(data.user);
  else $("sign-in-error").textContent = error?.message ?? `HTTP ${status}`;
});

$("password-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  if (form.get("newPassword") !== form.get("repeat")) {
    $("password-error").textContent = "新しいパスワードが一致しません。/ The new passwords do not match.";
    return;
  }
  const { status, data, error } = await auth("password", { currentPassword: form.get("currentPassword"), newPassword: form.get("newPassword") });
  if (status === 200) {
    $("show-password").disabled = false;
    signedIn(data.user);
  } else if (status === 401 && !error?.message.includes("current password")) signedOut(error?.message);
  else $("password-error").textContent = error?.message ?? `HTTP ${status}`;
});

$("password-cancel").addEventListener("click", () => loadOrders());
$("show-password").addEventListener("click", () => openPassword(false));
$("reload").addEventListener("click", () => loadOrders());
$("sign-out").addEventListener("click", async () => {
  await auth("logout", {});
  signedOut();
});

const me = await auth("me");
if (me.status === 200) signedIn(me.data.user);
else signedOut();
