-- Why a payment was refunded: 'operator' (refundPayment by a person), 'cancellation' (its order was
-- cancelled after it was paid) or 'compensation' (it completed after its order had been cancelled:
-- the system gave the money back). `cause` holds what a compensation needs to explain itself
-- (JSON: the cancellation and completion times).
ALTER TABLE "refunds" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'operator' CHECK ("kind" IN ('operator', 'cancellation', 'compensation'));
ALTER TABLE "refunds" ADD COLUMN "cause" TEXT;
