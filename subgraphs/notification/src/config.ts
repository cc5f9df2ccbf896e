/**
 * The notification service's configuration: its part of the stack configuration plus the
 * sender address for SMTP. Read once at start; fails with a message that says how to fix it.
 */
import { ConfigError, readStackConfig, type LogLevel } from "@ops/service-kit";
import type { DatabaseTarget } from "@ops/service-kit/data";

export interface NotificationConfig {
  /** SQLite in DATA_DIR, or PostgreSQL when NOTIFICATION_DATABASE_URL is set. */
  database: DatabaseTarget;
  port: number;
  host: string;
  logLevel: LogLevel;
  orderServiceUrl: string;
  outboxDir: string;
  smtpUrl: string | undefined;
  mailFrom: string;
}

export const DEFAULT_MAIL_FROM = "Order Operations <no-reply@localhost>";

/** Reads and validates the configuration. Throws ConfigError with a fix-it message. */
export function readNotificationConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  const stack = readStackConfig(env);
  if (stack.smtpUrl) {
    let protocol = "";
    try {
      protocol = new URL(stack.smtpUrl).protocol;
    } catch {
      // reported below
    }
    if (protocol !== "smtp:" && protocol !== "smtps:") {
      throw new ConfigError("SMTP_URL is not an smtp:// or smtps:// URL: set it like smtp://user:password@mail.example.jp:587, or unset it to write mail to the outbox file.");
    }
  }
  const mailFrom = env.MAIL_FROM?.trim() || DEFAULT_MAIL_FROM;
  if (!mailFrom.includes("@")) {
    throw new ConfigError(`MAIL_FROM=${env.MAIL_FROM} has no e-mail address: set it like "Shop <shop@example.jp>".`);
  }
  const self = stack.services.notification;
  return {
    database: self.database,
    port: self.port,
    host: stack.host,
    logLevel: stack.logLevel,
    orderServiceUrl: stack.services.order.url,
    outboxDir: stack.outboxDir,
    smtpUrl: stack.smtpUrl,
    mailFrom,
  };
}
