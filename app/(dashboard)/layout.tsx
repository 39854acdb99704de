import Link from 'next/link';
import { Providers } from '@/components/providers';
import { NavLinks } from '@/components/shell/nav-links';
import { SignOutButton } from '@/components/shell/sign-out-button';
import { getStore } from '@/db/client';
import { formatCompact, formatCount, formatMoney } from '@/lib/format';
import { ROLE_LABELS, navFor } from '@/lib/roles';
import { runningPublish } from '@/lib/server/queries/jobs';
import { portfolioSize } from '@/lib/server/queries/portfolio';
import { requirePageRole } from '@/lib/server/session';

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageRole('csm');
  const db = await getStore();
  // While a published model is being applied, accounts it has not reached yet keep the previous
  // version's scores: say so rather than let the two pass for one.
  const [size, publishing] = await Promise.all([portfolioSize(db, user.role === 'csm' ? user.email : undefined), runningPublish(db)]);
  return (
    <Providers>
      <div className="flex min-h-screen">
        <aside className="hidden w-56 shrink-0 border-r border-gray-200 bg-white px-3 py-5 md:block">
          <Link href="/" className="mb-6 block px-3 text-lg font-semibold tracking-tight">Trellis</Link>
          <NavLinks items={navFor(user.role)} />
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex flex-wrap items-center justify-between gap-3 border-b border-gray-200 bg-white px-6 py-3">
            <p className="text-sm text-gray-700" data-testid="portfolio-size">
              <span className="sr-only">Portfolio: </span>
              <strong className="tabular font-semibold text-gray-900">{formatCount(size.accounts)}</strong> {user.role === 'csm' ? 'of your accounts' : 'accounts'}
              {' · '}<span className="tabular">{formatMoney(size.arr)}</span> ARR
              {' · '}<span className="tabular">{formatCount(size.contacts)}</span> contacts
              {' · '}<span className="tabular">{formatCompact(size.events)}</span> events
            </p>
            <div className="flex items-center gap-3">
              <span className="text-sm text-gray-700">
                {user.email} <span className="ml-1 rounded bg-gray-100 px-1.5 py-0.5 text-xs font-medium text-gray-700">{ROLE_LABELS[user.role]}</span>
              </span>
              <SignOutButton />
            </div>
          </header>
          {publishing && (
            <p role="status" data-testid="publish-progress" className="border-b border-amber-200 bg-amber-50 px-6 py-2 text-sm text-amber-900">
              Recomputing scores with model version {publishing.version}: {formatCount(publishing.done)} of {formatCount(publishing.total)} accounts done; the others still show the previous version&apos;s scores.
            </p>
          )}
          <div className="md:hidden border-b border-gray-200 bg-white px-3 py-2">
            <NavLinks items={navFor(user.role)} />
          </div>
          <main id="main" className="flex-1 px-6 py-6">{children}</main>
        </div>
      </div>
    </Providers>
  );
}
