/**
 * The embedded default transport: appends one JSON line per message to
 * `<outboxDir>/notifications.jsonl` and logs it, so operators can read exactly what was sent.
 * `sendMany` appends a whole batch of lines at once (a bulk import's chunk: one append, not 2,000).
 */
import fs from "node:fs/promises";
import path from "node:path";
import { logTightened, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, tightenFiles, type Logger } from "@ops/service-kit";
import type { NotificationTransport, OutgoingMessage } from "./NotificationTransport.js";

/**
 * Appends to one file never overlap in this process: Node writes a large string in several
 * system calls (512 KiB each), so two concurrent appends of a few MB could interleave mid-line.
 * One queue per file, whatever the number of FileTransport instances on it.
 */
const queues = new Map<string, Promise<void>>();

function appendInTurn(file: string, text: string): Promise<void> {
  const turn = (queues.get(file) ?? Promise.resolve()).then(async () => {
    // Owner-only whatever the process umask: the outbox holds customers' names, addresses and orders.
    await fs.mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
    await fs.appendFile(file, text, { encoding: "utf8", mode: PRIVATE_FILE_MODE });
  });
  const settled = turn.catch(() => undefined);
  queues.set(file, settled);
  // Forget an idle file's queue.
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return turn;
}

export class FileTransport implements NotificationTransport {
  readonly file: string;

  constructor(
    outboxDir: string,
    private readonly logger?: Logger,
  ) {
    this.file = path.join(outboxDir, "notifications.jsonl");
    // An outbox written before this rule, or by a process with a looser umask.
    const tightened = tightenFiles([this.file]);
    if (logger) logTightened(logger, tightened);
  }

  private line(message: OutgoingMessage, at: string): string {
    return `${JSON.stringify({ at, transport: "file", ...message })}\n`;
  }

  async send(message: OutgoingMessage): Promise<void> {
    await appendInTurn(this.file, this.line(message, new Date().toISOString()));
    this.logger?.info("notification written to outbox", {
      channel: message.channel,
      recipient: message.recipient,
      notificationId: message.notificationId,
      file: this.file,
    });
  }

  /**
   * Appends every message's line with ONE append (one queue turn, one log line): resolves once
   * all of them are written, rejects with the reason (disk full, permissions) otherwise.
   */
  async sendMany(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const at = new Date().toISOString();
    let text = "";
    for (const message of messages) text += this.line(message, at);
    await appendInTurn(this.file, text);
    this.logger?.info("notifications written to outbox", { count: messages.length, file: this.file });
  }
}
