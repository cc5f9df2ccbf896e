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
 * read (and hand on) what would have been sent.
 */
export function createTransport(config: TransportConfig): ConfiguredTransport {
  const file = new FileTransport(config.outboxDir, config.logger);
  const smtp = config.smtpUrl ? new SmtpTransport(config.smtpUrl, config.mailFrom, config.logger) : undefined;
  return {
    send: (message: OutgoingMessage) => (message.channel === "EMAIL" && smtp ? smtp.send(message) : file.send(message)),
    close: () => smtp?.close(),
  };
}
