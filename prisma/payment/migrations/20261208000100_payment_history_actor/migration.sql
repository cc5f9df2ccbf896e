-- Who made each payment move the payment gate records: a user's or API key's name, or the
-- service acting (`payment` for the refunds, failures and completions that events and imports
-- bring). Rows written before this migration have none.
ALTER TABLE "payment_attempts" ADD COLUMN "actor" TEXT;
ALTER TABLE "refunds" ADD COLUMN "actor" TEXT;
