/** Roles (issue "Access control"): viewer reads; operator runs the shop; admin does everything. */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: a signed-in user, an API key, or another service of the stack. */
export interface Identity {
  kind: "user" | "apikey" | "service";
  /** User name, API key name, or service name. */
  name: string;
  /** Services act with admin rights; the audit trail shows them as kind "service". */
  role: Role;
  /** A user who must change the password before doing anything else. */
  mustChangePassword?: boolean;
}

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** True when `role` may do what `required` may. */
export function roleAllows(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}
