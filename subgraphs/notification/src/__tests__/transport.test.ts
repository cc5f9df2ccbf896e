/** Transports: the JSONL outbox, and routing EMAIL to a (fake, local) SMTP server while SMS stays in the outbox. */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "@ops/service-kit/testing";
import { readNotificationConfig } from "../config.js";
import { createTransport, FileTransport } from "../transport/index.js";

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** The smallest SMTP server nodemailer will talk to: plain, no auth, records each message. */
function fakeSmtp(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = net.createServer((socket) => {
    let buffer = "";
    let inData = false;
    let current: Received = { from: "", to: [], data: "" };
    socket.write("220 fake ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (let i = buffer.indexOf("\r\n"); i >= 0; i = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            received.push(current);
            current = { from: "", to: [], data: "" };
            socket.write("250 queued\r\n");
          } else current.data += `${line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "MAIL") current.from = line;
        if (verb === "RCPT") current.to.push(line);
        if (verb === "DATA") inData = true;
        if (verb === "QUIT") socket.end("221 bye\r\n");
        else socket.write(verb === "DATA" ? "354 go ahead\r\n" : "250 ok\r\n");
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

const world = tempDir("notification-transport-");
let smtp: Awaited<ReturnType<typeof fakeSmtp>>;
beforeAll(async () => {
  smtp = await fakeSmtp();
});
afterAll(async () => {
  await smtp.close();
  world.cleanup();
});

describe("transports", () => {
  it("FileTransport appends one JSON line per message", async () => {
    const outbox = path.join(world.dir, "file-only");
    const transport = new FileTransport(outbox);
    await transport.send({ channel: "SMS", recipient: "+819012345678", subject: null, body: "発送しました" });
    await transport.send({ channel: "EMAIL", recipient: "a@example.jp", subject: "件名", body: "本文\n二行目" });
    const lines = fs.readFileSync(path.join(outbox, "notifications.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toMatchObject([
      { channel: "SMS", recipient: "+819012345678", subject: null, body: "発送しました", transport: "file" },
      { channel: "EMAIL", recipient: "a@example.jp", subject: "件名", body: "本文\n二行目" },
    ]);
    expect(Date.parse(lines[0].at)).not.toBeNaN();
  });

  it("FileTransport.sendMany appends all lines at once, whole even beside concurrent appends; SMTP has no sendMany", async () => {
    const outbox = path.join(world.dir, "bulk");
    const transport = createTransport({ outboxDir: outbox, mailFrom: "shop@example.jp" });
    const big = (from: number) => Array.from({ length: 3000 }, (_, i) => ({ channel: "EMAIL" as const, recipient: `c${from + i}@example.jp`, subject: `件名 ${from + i}`, body: "本文".repeat(200), notificationId: from + i }));
    // Each batch is several MB: Node writes it in several system calls, so these must not interleave.
    await Promise.all([transport.sendMany!(big(0)), transport.send({ channel: "SMS", recipient: "+819012345678", subject: null, body: "単発" }), transport.sendMany!(big(3000))]);
    const lines = fs.readFileSync(path.join(outbox, "notifications.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(6001);
    expect(lines.filter((l) => l.notificationId !== undefined).map((l) => l.notificationId)).toEqual(Array.from({ length: 6000 }, (_, i) => i));
    const smtpRouted = createTransport({ outboxDir: outbox, smtpUrl: smtp.url, mailFrom: "shop@example.jp" });
    expect(smtpRouted.sendMany).toBeUndefined();
    smtpRouted.close();
  });

  it("with SMTP_URL, EMAIL goes through SMTP and SMS still to the outbox file", async () => {
    const outbox = path.join(world.dir, "routed");
    const transport = createTransport({ outboxDir: outbox, smtpUrl: smtp.url, mailFrom: "Shop <shop@example.jp>" });
    await transport.send({ channel: "EMAIL", recipient: "hanako@example.jp", subject: "ご注文確認 — 注文番号 #12", body: "山田 花子 様" });
    await transport.send({ channel: "SMS", recipient: "+819012345678", subject: null, body: "SMS本文" });
    transport.close();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.from).toContain("shop@example.jp");
    expect(smtp.received[0]!.to).toEqual([expect.stringContaining("hanako@example.jp")]);
    expect(smtp.received[0]!.data).toMatch(/Content-Type: text\/plain; charset=utf-8/i);
    const lines = fs.readFileSync(path.join(outbox, "notifications.jsonl"), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).channel)).toEqual(["SMS"]);
  });

  it("an unreachable SMTP server rejects with the reason", async () => {
    const transport = createTransport({ outboxDir: world.dir, smtpUrl: "smtp://127.0.0.1:9", mailFrom: "shop@example.jp" });
    await expect(transport.send({ channel: "EMAIL", recipient: "a@example.jp", subject: "s", body: "b" })).rejects.toThrow(/ECONNREFUSED|connect/i);
    transport.close();
  });
});

describe("readNotificationConfig", () => {
  it("takes its part of the stack configuration, with defaults", () => {
    const config = readNotificationConfig({ DATA_DIR: "/tmp/x", ORDER_PORT: "5001", NOTIFICATION_PORT: "5003" });
    expect(config).toMatchObject({
      port: 5003,
      database: { kind: "sqlite", path: "/tmp/x/notification_service.db" },
      orderServiceUrl: "http://127.0.0.1:5001/graphql",
      outboxDir: "/tmp/x/outbox",
      smtpUrl: undefined,
      mailFrom: "Order Operations <no-reply@localhost>",
    });
  });

  it("runs on PostgreSQL when NOTIFICATION_DATABASE_URL is set, and fails at start on another scheme", () => {
    const url = "postgres://ops:secret@db.example:5432/notification_service";
    expect(readNotificationConfig({ NOTIFICATION_DATABASE_URL: url }).database).toEqual({ kind: "postgres", url, poolSize: 10 });
    expect(() => readNotificationConfig({ NOTIFICATION_DATABASE_URL: "mysql://db.example/notification" })).toThrow(/NOTIFICATION_DATABASE_URL/);
  });

  it("fails at start on a bad SMTP_URL or MAIL_FROM, saying how to fix it", () => {
    expect(() => readNotificationConfig({ SMTP_URL: "mail.example.jp" })).toThrow(/smtp:\/\//);
    expect(() => readNotificationConfig({ MAIL_FROM: "shop" })).toThrow(/MAIL_FROM/);
    expect(readNotificationConfig({ SMTP_URL: "smtps://u:p@mail.example.jp:465", MAIL_FROM: "Shop <s@example.jp>" })).toMatchObject({ smtpUrl: "smtps://u:p@mail.example.jp:465", mailFrom: "Shop <s@example.jp>" });
  });
});
