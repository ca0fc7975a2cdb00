/** The organization roles, most powerful first; better-auth's default roles (lib/auth/server.ts). */
export const ROLE_ORDER = ["owner", "admin", "member"] as const;
export type Role = (typeof ROLE_ORDER)[number];

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: "Everything, including managing owners",
  admin: "Manage webhooks, API keys and members",
  member: "Read webhooks and delivery history",
};

/** Sort key: owners, then admins, then members, then anything else. */
export function roleRank(role: string): number {
  const index = (ROLE_ORDER as readonly string[]).indexOf(role);
  return index === -1 ? ROLE_ORDER.length : index;
}
