-- What ended an import (a missing column, an atomic refusal, a cancellation...) as a stable code
-- with its params (JSON) next to the English message, so clients can say it in their language.
-- Imports finished before have neither (NULL).
ALTER TABLE "import_history" ADD COLUMN "message_code" TEXT;
ALTER TABLE "import_history" ADD COLUMN "message_params" TEXT;
