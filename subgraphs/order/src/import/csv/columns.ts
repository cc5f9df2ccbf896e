/** The columns of the CSV contract (DESIGN section 6). */
export const COLUMN_NAMES = [
  "order_ref",
  "customer_email",
  "customer_name",
  "product_name",
  "quantity",
  "unit_price",
  "currency",
  "payment_method",
  "payment_status",
] as const;

export type ColumnName = (typeof COLUMN_NAMES)[number];

export const REQUIRED_COLUMNS: readonly ColumnName[] = ["customer_email", "customer_name", "product_name", "quantity", "unit_price"];

/** Where each column is in a record; -1 for an optional column the file does not have. */
export type ColumnIndex = Record<ColumnName, number>;
