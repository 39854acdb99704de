'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { NavItem } from '@/lib/roles';

const GROUP_LABELS: Record<NavItem['group'], string> = { workspace: 'Workspace', analytics: 'Analytics', admin: 'Administration' };

export function NavLinks({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const groups = (['workspace', 'analytics', 'admin'] as const)
    .map((group) => ({ group, items: items.filter((i) => i.group === group) }))
    .filter((g) => g.items.length > 0);
  return (
    <nav aria-label="Main" className="space-y-6">
      {groups.map(({ group, items: groupItems }) => (
        <div key={group}>
          <p className="px-3 text-xs font-semibold uppercase tracking-wide text-gray-500">{GROUP_LABELS[group]}</p>
          <ul className="mt-2 space-y-1">
            {groupItems.map((item) => {
              const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
              return (
                <li key={item.href}>
                  <Link href={item.href} aria-current={active ? 'page' : undefined}
                    className={`block rounded-md px-3 py-1.5 text-sm ${active ? 'bg-accent-soft font-medium text-accent-strong' : 'text-gray-700 hover:bg-gray-100'}`}>
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
