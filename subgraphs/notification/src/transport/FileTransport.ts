/**
 * The embedded default transport: appends one JSON line per message to
 * `<outboxDir>/notifications.jsonl` and logs it, so operators can read exactly what was sent.
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { Logger } from "@ops/service-kit";
import type { NotificationTransport, OutgoingMessage } from "./NotificationTransport.js";

export class FileTransport implements NotificationTransport {
  readonly file: string;

  constructor(
    outboxDir: string,
    private readonly logger?: Logger,
  ) {
    this.file = path.join(outboxDir, "notifications.jsonl");
  }

  async send(message: OutgoingMessage): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const line = { at: new Date().toISOString(), transport: "file", ...message };
    // One appendFile per line: O_APPEND keeps concurrent lines whole.
    await fs.appendFile(this.file, `${JSON.stringify(line)}\n`, "utf8");
    this.logger?.info("notification written to outbox", {
      channel: message.channel,
      recipient: message.recipient,
      notificationId: message.notificationId,
      file: this.file,
    });
  }
}
