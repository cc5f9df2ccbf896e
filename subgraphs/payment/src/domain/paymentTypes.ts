/** What the payment service's domain and resolvers work with: payments, their attempts and refunds. */
import type { PaymentStatus } from "./paymentRules.js";

export interface Payment {
  id: number;
  orderId: number;
  /** Whole yen. */
  amount: number;
  currency: string;
  status: PaymentStatus;
  paymentMethod: string;
  transactionId: string;
  createdAt: Date;
  updatedAt: Date;
  failureReason: string | null;
  /** The import batch the payment came from. */
  batchId: string | null;
}

export interface Refund {
  id: number;
  paymentId: number;
  amount: number;
  reason: string;
  status: string;
  /** operator | cancellation | compensation */
  kind: string;
  /** A compensation's cause as JSON: { cancelledAt, completedAt }. */
  cause: string | null;
  actor: string | null;
  createdAt: Date;
}

export interface PaymentAttempt {
  id: number;
  paymentId: number;
  transactionId: string;
  status: PaymentStatus;
  failureReason: string | null;
  actor: string | null;
  createdAt: Date;
}

/** A page of payments (newest first) and where it starts. */
export interface PaymentCursor {
  createdAt: Date;
  id: number;
}

/** The payment list's filter. */
export interface PaymentFilter {
  status?: PaymentStatus[] | null;
  /** Only the payments of this import batch. */
  batchId?: string | null;
}
