-- Who made each status move (the status gate writes it): a user's or API key's name, or the
-- service that moved the order (`payment` for a confirmation a payment brought). Rows written
-- before this migration have none.
ALTER TABLE "order_status_changes" ADD COLUMN "actor" TEXT;
