/** Chooses a transport per channel from the configuration. */
import type { Logger } from "@ops/service-kit";
import { FileTransport } from "./FileTransport.js";
import type { NotificationTransport, OutgoingMessage } from "./NotificationTransport.js";
import { SmtpTransport } from "./SmtpTransport.js";

export interface TransportConfig {
  outboxDir: string;
  smtpUrl?: string;
  mailFrom: string;
  logger?: Logger;
}

export interface ConfiguredTransport extends NotificationTransport {
  close(): void;
}

/**
 * EMAIL goes through SMTP when `smtpUrl` is set, otherwise to the file outbox. SMS always goes to
 * the file outbox: no SMS gateway is configured in this product yet, and an operator can still
 * read (and hand on) what would have been sent. Without SMTP the result can `sendMany` (one append).
 */
export function createTransport(config: TransportConfig): ConfiguredTransport {
  const file = new FileTransport(config.outboxDir, config.logger);
  const smtp = config.smtpUrl ? new SmtpTransport(config.smtpUrl, config.mailFrom, config.logger) : undefined;
  if (!smtp) {
    // Everything goes to the file: many messages can be appended at once.
    return { send: (message) => file.send(message), sendMany: (messages) => file.sendMany(messages), close: () => undefined };
  }
  // No sendMany: with SMTP every e-mail is its own conversation with the server, one at a time.
  return {
    send: (message: OutgoingMessage) => (message.channel === "EMAIL" ? smtp.send(message) : file.send(message)),
    close: () => smtp.close(),
  };
}
