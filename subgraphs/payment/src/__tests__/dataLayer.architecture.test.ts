/** db/ is the only code of the payment service that touches the database (DESIGN section 9). */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeDataLayer } from "@ops/service-kit/testing/architecture";

describeDataLayer("payment", path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."), "payments.ts");
