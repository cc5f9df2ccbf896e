-- Import errors say why in a stable code with its params (JSON) too, so clients can translate
-- them; the English reason stays. Errors recorded before have neither (NULL).
ALTER TABLE "import_errors" ADD COLUMN "code" TEXT;
ALTER TABLE "import_errors" ADD COLUMN "params" TEXT;
