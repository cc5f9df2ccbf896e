-- A batch's payments in import order: ImportBatch.payments pages walk (batch_id, id) from the
-- cursor and stop after a page, on SQLite and PostgreSQL alike (PostgreSQL's batch_id index is not
-- in id order within a batch, so a page sorted every payment of the batch).
DROP INDEX "payments_batch_id_idx";
CREATE INDEX "payments_batch_id_id_idx" ON "payments"("batch_id", "id");
