-- The dashboard's revenue and refunds per Japan day (paymentDays) read completions from
-- payment_attempts and refunds by time: index both, so the query stays a range scan after
-- an import of a million payments.
-- CreateIndex
CREATE INDEX "payment_attempts_status_created_at_idx" ON "payment_attempts"("status", "created_at");

-- CreateIndex
CREATE INDEX "refunds_created_at_idx" ON "refunds"("created_at");
