/** E-mail through an SMTP server with nodemailer (`SMTP_URL`, e.g. `smtp://user:pass@mail:587`). */
import nodemailer, { type Transporter } from "nodemailer";
import type { Logger } from "@ops/service-kit";
import type { NotificationTransport, OutgoingMessage } from "./NotificationTransport.js";

export class SmtpTransport implements NotificationTransport {
  private readonly mailer: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly logger?: Logger,
  ) {
    // Bounded waits: a hand-over holds its notifications' claim (on PostgreSQL a connection and
    // row locks) until the server answers, so a stalled server must fail it within seconds, not
    // after nodemailer's defaults of 2 and 10 minutes.
    this.mailer = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  async send(message: OutgoingMessage): Promise<void> {
    if (message.channel !== "EMAIL") throw new Error(`The SMTP transport sends e-mail only, not ${message.channel}`);
    const info = await this.mailer.sendMail({
      from: this.from,
      to: message.recipient,
      subject: message.subject ?? "",
      // Plain text, matching the unescaped rendering (renderTemplate.ts).
      text: message.body,
    });
    this.logger?.info("notification sent by SMTP", { recipient: message.recipient, notificationId: message.notificationId, messageId: info.messageId });
  }

  close(): void {
    this.mailer.close();
  }
}
