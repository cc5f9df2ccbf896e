/** The three Japanese templates of seed section 5.1, inserted at service start when missing. */
import type { ValidTemplate } from "./validateTemplate.js";

const ITEM_LINES = `{{#each items}}
・{{product_name}}　{{yen unit_price}} × {{quantity}}点　小計 {{yen subtotal}}
{{/each}}`;

const SIGNATURE = `――――――――――――――――――――
オンラインショップ カスタマーサポート
※このメールは送信専用アドレスからお送りしています。`;

export const DEFAULT_TEMPLATES: readonly ValidTemplate[] = [
  {
    name: "ORDER_CONFIRMATION",
    subjectTemplate: "ご注文確認 — 注文番号 #{{ order_id }}",
    bodyTemplate: `{{customer_name}} 様

このたびはご注文いただき、誠にありがとうございます。
以下の内容でご注文を承りました。

注文番号：#{{order_id}}
ご注文日：{{order_date}}

【ご注文内容】
${ITEM_LINES}

合計金額：{{yen total_amount}}

商品の発送準備が整いましたら、あらためてご連絡いたします。
今後ともどうぞよろしくお願い申し上げます。

${SIGNATURE}
`,
    channel: "EMAIL",
    language: "ja",
  },
  {
    name: "ORDER_SHIPPED",
    subjectTemplate: "発送のお知らせ — 注文番号 #{{ order_id }}",
    bodyTemplate: `{{customer_name}} 様

いつもご利用いただき、誠にありがとうございます。
ご注文の商品を本日発送いたしましたので、お知らせいたします。

注文番号：#{{order_id}}
ご注文日：{{order_date}}

【発送した商品】
${ITEM_LINES}

合計金額：{{yen total_amount}}

お届けまで今しばらくお待ちくださいませ。
商品の到着後、内容に不備がございましたらお気軽にお問い合わせください。

${SIGNATURE}
`,
    channel: "EMAIL",
    language: "ja",
  },
  {
    name: "ORDER_CANCELLED",
    subjectTemplate: "ご注文キャンセルのお知らせ — 注文番号 #{{ order_id }}",
    bodyTemplate: `{{customer_name}} 様

いつもご利用いただき、誠にありがとうございます。
ご注文番号 #{{order_id}} のキャンセルを承りました。

【キャンセルとなったご注文】
${ITEM_LINES}

合計金額：{{yen total_amount}}

お支払いがお済みの場合は、全額を返金いたします。
返金の反映までお時間をいただく場合がございますので、あらかじめご了承ください。
またのご利用を心よりお待ちしております。

${SIGNATURE}
`,
    channel: "EMAIL",
    language: "ja",
  },
];
