/** Roles and what each may open. Shared by navigation (client) and the server-side checks. */
export const ROLES = ['csm', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = { csm: 'CSM', manager: 'Manager', admin: 'Admin' };

const RANK: Record<Role, number> = { csm: 0, manager: 1, admin: 2 };

/** Roles are nested: a manager may do what a CSM may, an admin what a manager may. */
export function hasRole(role: Role, atLeast: Role): boolean {
  return RANK[role] >= RANK[atLeast];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export interface NavItem {
  href: string;
  label: string;
  minRole: Role;
  group: 'workspace' | 'analytics' | 'admin';
}

export const NAV_ITEMS: NavItem[] = [
  { href: '/my-day', label: 'My day', minRole: 'csm', group: 'workspace' },
  { href: '/accounts', label: 'Accounts', minRole: 'csm', group: 'workspace' },
  { href: '/alerts', label: 'Alerts', minRole: 'csm', group: 'workspace' },
  { href: '/trends', label: 'Trends', minRole: 'manager', group: 'analytics' },
  { href: '/cohorts', label: 'Cohorts', minRole: 'manager', group: 'analytics' },
  { href: '/experiments', label: 'Experiments', minRole: 'csm', group: 'analytics' },
  { href: '/admin/model', label: 'Model', minRole: 'admin', group: 'admin' },
  { href: '/admin/cadence', label: 'Cadence', minRole: 'manager', group: 'admin' },
  { href: '/admin/playbooks', label: 'Playbooks', minRole: 'manager', group: 'admin' },
  { href: '/admin/triggers', label: 'Triggers', minRole: 'admin', group: 'admin' },
  { href: '/admin/users', label: 'Users', minRole: 'admin', group: 'admin' },
  { href: '/admin/api-keys', label: 'API keys', minRole: 'admin', group: 'admin' },
  { href: '/admin/api', label: 'API', minRole: 'admin', group: 'admin' },
  { href: '/admin/import', label: 'Import', minRole: 'admin', group: 'admin' },
  { href: '/admin/webhooks', label: 'Webhooks', minRole: 'admin', group: 'admin' },
  { href: '/admin/audit', label: 'Audit log', minRole: 'admin', group: 'admin' },
];

export function navFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => hasRole(role, item.minRole));
}

/** Where a user lands after signing in (or on `/`): a CSM on their day, the others on the accounts. */
export function landingPath(role: Role): string {
  return role === 'csm' ? '/my-day' : '/accounts';
}
