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
    this.mailer = nodemailer.createTransport(smtpUrl);
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
