/** The gateway's roles, least to most powerful (README "Roles"). */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** Whether `role` is at least `required`. An unknown role may do nothing. */
export function hasRole(role: string | null | undefined, required: Role): boolean {
  return isRole(role) && RANK[role] >= RANK[required];
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
