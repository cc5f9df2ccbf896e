/** What a delivery channel must do: send one rendered message or throw saying why it could not. */
export interface OutgoingMessage {
  channel: "EMAIL" | "SMS";
  /** An e-mail address, or an E.164 phone number for SMS. */
  recipient: string;
  /** Null for SMS. */
  subject: string | null;
  body: string;
  /** The stored notification, for operators correlating logs and outbox lines. */
  notificationId?: number;
}

export interface NotificationTransport {
  /** Resolves once the message is handed over; rejects with the reason otherwise. */
  send(message: OutgoingMessage): Promise<void>;
  /**
   * Hands over many messages at once, all or none: resolves once every one is handed over,
   * rejects with the reason otherwise. Optional: a transport without it (SMTP) is given one
   * message at a time.
   */
  sendMany?(messages: readonly OutgoingMessage[]): Promise<void>;
}
