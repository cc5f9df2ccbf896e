import { flushPromises, mount } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory } from "vue-router";
import TemplateEditPage from "@/pages/TemplateEditPage.vue";
import type { Role } from "@/domain/roles";
import { setLocale } from "@/i18n";
import { createAppRouter } from "@/router";
import { graphqlCalls, jsonResponse, signInAs, stubFetch, urqlPlugin, type SeenRequest } from "@/test/fakeGateway";

const VARIABLES = ["order_id", "customer_name", "items", "total_amount", "items.product_name", "items.quantity"].map((name) => ({
  name,
  description: `about ${name}`,
  example: "x",
}));

const emailTemplate = {
  id: "1",
  name: "ORDER_SHIPPED",
  subjectTemplate: "発送のお知らせ #{{order_id}}",
  bodyTemplate: "{{customer_name}} 様",
  channel: "EMAIL",
  language: "ja",
  variables: ["order_id", "customer_name"],
};

type Operation = { operationName: string; variables: Record<string, unknown> };
type Answer = (op: Operation) => unknown | Promise<unknown>;

/** A gateway answering each operation by name; `preview` renders by replacing {{customer_name}}. */
function gateway(overrides: Record<string, Answer> = {}, template: unknown = emailTemplate) {
  const answers: Record<string, Answer> = {
    NotificationTemplate: () => ({ data: { notificationTemplate: template } }),
    TemplateVariables: () => ({ data: { templateVariables: VARIABLES } }),
    PreviewTemplate: ({ variables }) => {
      const input = variables.input as { subjectTemplate: string; bodyTemplate: string; channel: string };
      const body = input.bodyTemplate.replaceAll("{{customer_name}}", "山田 花子");
      return {
        data: {
          previewTemplate: {
            subject: input.channel === "SMS" ? null : input.subjectTemplate.replaceAll("{{order_id}}", "1024"),
            body,
            characterCount: [...body].length,
            smsSegments: input.channel === "SMS" ? (body.length <= 70 ? 1 : Math.ceil(body.length / 67)) : null,
          },
        },
      };
    },
    ...overrides,
  };
  return stubFetch(async (req: SeenRequest) => {
    const op = req.body as Operation;
    const answer = answers[op.operationName];
    if (!answer) throw new Error(`unexpected ${op.operationName}`);
    return jsonResponse(await answer(op));
  });
}

async function open(role: Role, name = "ORDER_SHIPPED", overrides: Record<string, Answer> = {}, template: unknown = emailTemplate) {
  await signInAs(role);
  const fetchMock = gateway(overrides, template);
  const router = createAppRouter(createMemoryHistory());
  await router.push(`/templates/${name}`);
  const wrapper = mount(TemplateEditPage, { props: { name }, global: { plugins: [router, urqlPlugin().plugin] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, fetchMock, router };
}

const previews = (fetchMock: ReturnType<typeof stubFetch>) => graphqlCalls(fetchMock).filter((c) => c.operationName === "PreviewTemplate");

describe("TemplateEditPage", () => {
  beforeEach(() => {
    setLocale("ja");
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = "";
  });

  it("renders the preview 300 ms after typing stops, with the sources as typed and the chosen order", async () => {
    const { wrapper, fetchMock } = await open("admin");
    await vi.advanceTimersByTimeAsync(300);
    await flushPromises();
    expect(previews(fetchMock)).toHaveLength(1);
    expect(wrapper.get('[data-test="preview-subject"]').text()).toBe("発送のお知らせ #1024");
    expect(wrapper.get('[data-test="preview-body"]').text()).toBe("山田 花子 様");

    const body = wrapper.get('[data-test="template-body"]');
    await body.setValue("{{customer_name}} 様、");
    await vi.advanceTimersByTimeAsync(150);
    await body.setValue("{{customer_name}} 様、ありがとうございます。");
    await wrapper.get('[data-test="preview-order"]').setValue("12");
    await vi.advanceTimersByTimeAsync(299);
    expect(previews(fetchMock)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await flushPromises();
    const calls = previews(fetchMock);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.variables.input).toEqual({
      subjectTemplate: "発送のお知らせ #{{order_id}}",
      bodyTemplate: "{{customer_name}} 様、ありがとうございます。",
      channel: "EMAIL",
      orderId: "12",
    });
    expect(wrapper.get('[data-test="preview-body"]').text()).toBe("山田 花子 様、ありがとうございます。");
  });

  it("drops an answer that arrives after the sources changed again", async () => {
    const pending: ((value: unknown) => void)[] = [];
    const { wrapper, fetchMock } = await open("admin", "ORDER_SHIPPED", {
      PreviewTemplate: ({ variables }) =>
        new Promise((resolve) => {
          const body = (variables.input as { bodyTemplate: string }).bodyTemplate;
          pending.push(() => resolve({ data: { previewTemplate: { subject: "s", body: `rendered:${body}`, characterCount: 1, smsSegments: null } } }));
        }),
    });
    await vi.advanceTimersByTimeAsync(300);
    await wrapper.get('[data-test="template-body"]').setValue("新しい本文");
    await vi.advanceTimersByTimeAsync(300);
    await flushPromises();
    expect(previews(fetchMock)).toHaveLength(2);
    // The newer answer first, then the older one.
    pending[1]!(undefined);
    await flushPromises();
    pending[0]!(undefined);
    await flushPromises();
    expect(wrapper.get('[data-test="preview-body"]').text()).toBe("rendered:新しい本文");
  });

  it("shows the server's render error next to the editor, with the field and its reason", async () => {
    const { wrapper } = await open("admin", "ORDER_SHIPPED", {
      PreviewTemplate: () => ({
        data: null,
        errors: [
          {
            message: 'Unknown template variable "costomer_name"; allowed here: order_id, customer_name (line 1)',
            extensions: { code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { variable: "costomer_name" } },
          },
        ],
      }),
    });
    await wrapper.get('[data-test="template-body"]').setValue("{{costomer_name}} 様");
    // The browser's check speaks first, before the server answers.
    expect(wrapper.get('[data-test="template-warnings"]').text()).toContain("「costomer_name」は使えない変数です");
    await vi.advanceTimersByTimeAsync(300);
    await flushPromises();
    const error = wrapper.get('[data-test="preview-error"]');
    expect(error.text()).toContain("本文の入力内容に誤りがあります。");
    expect(error.text()).toContain('Unknown template variable "costomer_name"');
    expect(wrapper.find('[data-test="preview-body"]').exists()).toBe(false);
  });

  it("says which rendering limit the preview broke, with the limit; the browser flags deep nesting first", async () => {
    const { wrapper } = await open("viewer", "ORDER_SHIPPED", {
      PreviewTemplate: () => ({
        data: null,
        errors: [
          {
            message: "{{#each}} would repeat more than 10,000 times in one message for this order; nest fewer {{#each}} blocks",
            extensions: { code: "BAD_USER_INPUT", field: "input.bodyTemplate", params: { limit: "iterations", max: 10_000 } },
          },
        ],
      }),
    });
    const body = wrapper.get('[data-test="template-body"]');
    await body.setValue("{{#each items}}{{#each @root.items}}{{#each @root.items}}{{#each @root.items}}{{#each @root.items}}x{{/each}}{{/each}}{{/each}}{{/each}}{{/each}}");
    expect(wrapper.get('[data-test="template-warnings"]').text()).toContain("1行目: {{#each}} でブロックの入れ子が4段を超えます。");
    await body.setValue("{{#each items}}{{#each @root.items}}{{product_name}}{{/each}}{{/each}}");
    expect(wrapper.find('[data-test="template-warnings"]').exists()).toBe(false);
    await vi.advanceTimersByTimeAsync(300);
    await flushPromises();
    expect(wrapper.get('[data-test="preview-error"]').text()).toContain("本文: 繰り返しが多すぎます（上限 10,000 回）。");
    setLocale("en");
    await flushPromises();
    expect(wrapper.get('[data-test="preview-error"]').text()).toContain("Body: too many repetitions (at most 10,000).");
  });

  it("counts SMS characters and messages as the operator types, for SMS only", async () => {
    const { wrapper } = await open("admin");
    expect(wrapper.find('[data-test="sms-counter"]').exists()).toBe(false);
    expect(wrapper.get('[data-test="template-subject"]').attributes("disabled")).toBeUndefined();

    await wrapper.get('[data-test="template-channel"]').setValue("SMS");
    expect(wrapper.get('[data-test="template-subject"]').attributes("disabled")).toBeDefined();
    const body = wrapper.get('[data-test="template-body"]');
    await body.setValue("あ".repeat(70));
    expect(wrapper.get('[data-test="sms-counter"]').text()).toContain("70文字 · 1通");
    await body.setValue("あ".repeat(71));
    expect(wrapper.get('[data-test="sms-counter"]').text()).toContain("71文字 · 2通");
    await body.setValue(`${"あ".repeat(133)}🍵`);
    expect(wrapper.get('[data-test="sms-counter"]').text()).toContain("134文字 · 3通");

    // Once the server's preview of this text arrives, its figures for the rendered message count.
    await body.setValue("{{customer_name}} 様、発送しました。");
    expect(wrapper.get('[data-test="sms-counter"]').attributes("data-basis")).toBe("typed");
    await vi.advanceTimersByTimeAsync(300);
    await flushPromises();
    const counter = wrapper.get('[data-test="sms-counter"]');
    expect(counter.attributes("data-basis")).toBe("rendered");
    expect(counter.text()).toContain("15文字 · 1通");
    expect(wrapper.find('[data-test="preview-subject"]').exists()).toBe(false);

    await wrapper.get('[data-test="template-channel"]').setValue("EMAIL");
    expect(wrapper.find('[data-test="sms-counter"]').exists()).toBe(false);
  });

  it("saves only what changed, and says so", async () => {
    const { wrapper, fetchMock } = await open("admin", "ORDER_SHIPPED", {
      UpdateNotificationTemplate: ({ variables }) => ({
        data: { updateNotificationTemplate: { ...emailTemplate, ...(variables.input as object) } },
      }),
    });
    await wrapper.get('[data-test="template-body"]').setValue("{{customer_name}} 様\n発送しました。");
    await wrapper.get('[data-test="template-save"]').trigger("click");
    await flushPromises();
    const [save] = graphqlCalls(fetchMock).filter((c) => c.operationName === "UpdateNotificationTemplate");
    expect(save?.variables.input).toEqual({ name: "ORDER_SHIPPED", bodyTemplate: "{{customer_name}} 様\n発送しました。" });
    expect(wrapper.get('[data-test="template-saved"]').text()).toBe("テンプレート「ORDER_SHIPPED」を保存しました。");
  });

  it("shows a refused save at the field the server names", async () => {
    const { wrapper } = await open("admin", "ORDER_SHIPPED", {
      UpdateNotificationTemplate: () => ({
        data: null,
        errors: [{ message: "The template does not compile: line 1, column 5: unexpected CLOSE", extensions: { code: "BAD_USER_INPUT", field: "input.subjectTemplate" } }],
      }),
    });
    await wrapper.get('[data-test="template-subject"]').setValue("発送 {{}}");
    await wrapper.get('[data-test="template-save"]').trigger("click");
    await flushPromises();
    const subject = wrapper.get('[data-test="template-subject"]');
    expect(subject.attributes("aria-invalid")).toBe("true");
    const describedBy = subject.attributes("aria-describedby")!.split(" ");
    const fieldError = describedBy.map((id) => document.getElementById(id)?.textContent ?? "").join(" ");
    expect(fieldError).toContain("件名の入力内容に誤りがあります。");
    expect(fieldError).toContain("does not compile");
    expect(wrapper.find('[data-test="template-saved"]').exists()).toBe(false);
  });

  it("creates a new template and moves to its address", async () => {
    const { wrapper, fetchMock, router } = await open("admin", "new", {
      CreateNotificationTemplate: ({ variables }) => ({ data: { createNotificationTemplate: { id: "9", variables: [], ...(variables.input as object) } } }),
    });
    await wrapper.get('[data-test="template-save"]').trigger("click");
    expect(wrapper.text()).toContain("テンプレート名は半角英数字・_・- で1〜64文字にしてください。");
    expect(graphqlCalls(fetchMock).filter((c) => c.operationName === "CreateNotificationTemplate")).toHaveLength(0);

    await wrapper.get('[data-test="template-name"]').setValue("SMS_SHIPPED");
    await wrapper.get('[data-test="template-channel"]').setValue("SMS");
    await wrapper.get('[data-test="template-body"]').setValue("{{customer_name}} 様、発送しました。");
    await wrapper.get('[data-test="template-save"]').trigger("click");
    await flushPromises();
    const [create] = graphqlCalls(fetchMock).filter((c) => c.operationName === "CreateNotificationTemplate");
    // An SMS carries no subject, so its template is saved without one.
    expect(create?.variables.input).toEqual({ name: "SMS_SHIPPED", subjectTemplate: null, bodyTemplate: "{{customer_name}} 様、発送しました。", channel: "SMS", language: "ja" });
    expect(router.currentRoute.value.fullPath).toBe("/templates/SMS_SHIPPED");
    await flushPromises();
    expect(wrapper.get('[data-test="template-saved"]').text()).toBe("テンプレート「SMS_SHIPPED」を保存しました。");
  });

  it("lets a viewer read and preview but not save", async () => {
    const { wrapper } = await open("viewer");
    expect(wrapper.find('[data-test="template-save"]').exists()).toBe(false);
    expect(wrapper.get('[data-test="template-body"]').attributes("readonly")).toBeDefined();
    expect(wrapper.text()).toContain("閲覧のみです。");
  });
});
