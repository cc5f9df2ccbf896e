-- What the consistency check reads of a range of orders' notifications, held in one index: the
-- check never reads the rows (and their bodies) of a million notifications.
CREATE INDEX "notifications_order_states_idx" ON "notifications"("order_id", "template_name", "status", "created_at");
