/** The live cadence, tier by tier: each item's interval and what fulfils it, and how many accounts keep to it now. */
import type { Cadence } from '@/lib/programme/cadence';
import { fulfillerText, intervalText, TIER_NAMES } from '@/lib/programme/describe';
import { formatCount, formatPercent } from '@/lib/format';
import { TIERS, type Tier } from '@/lib/scoring/types';
import type { TierCompliance } from '@/lib/server/queries/cadence-admin';

/** "18 of 25 accounts on cadence now (72.0%)" */
export function ComplianceText({ row, items }: { row: TierCompliance | undefined; items: number }) {
  if (items === 0) return null;
  if (!row || row.accounts === 0) return <>No current customers on this tier yet.</>;
  return (
    <>
      <strong className="tabular font-semibold text-gray-900">{formatCount(row.onCadence)}</strong> of <span className="tabular">{formatCount(row.accounts)}</span> accounts on cadence now
      <span className="tabular"> ({formatPercent(row.share, 0)})</span>
    </>
  );
}

export function CadenceView({ cadence, triggerLabels, compliance }: { cadence: Cadence; triggerLabels: ReadonlyMap<string, string>; compliance: readonly TierCompliance[] }) {
  const byTier = new Map<Tier, TierCompliance>(compliance.map((c) => [c.tier, c]));
  return (
    <div className="grid gap-4 2xl:grid-cols-2">
      {TIERS.map((tier) => {
        const items = cadence.tiers[tier];
        return (
          <section key={tier} aria-labelledby={`tier-${tier}`} className="rounded-lg border border-gray-200 bg-white p-4">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 id={`tier-${tier}`} className="text-base font-semibold text-gray-900">{TIER_NAMES[tier]}</h2>
              <p className="text-sm text-gray-700" data-testid={`compliance-${tier}`}><ComplianceText row={byTier.get(tier)} items={items.length} /></p>
            </div>
            {items.length ? (
              <div className="mt-3 overflow-x-auto">
                <table className="min-w-full text-sm">
                  <caption className="sr-only">{TIER_NAMES[tier]} cadence</caption>
                  <thead>
                    <tr className="border-b border-gray-200 text-left text-xs font-medium text-gray-700">
                      <th scope="col" className="px-2 py-1.5">Touchpoint</th>
                      <th scope="col" className="px-2 py-1.5">Interval</th>
                      <th scope="col" className="px-2 py-1.5">Fulfilled by</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((item) => (
                      <tr key={item.key} className="border-b border-gray-100 align-top last:border-0">
                        <th scope="row" className="px-2 py-1.5 text-left font-medium text-gray-900">
                          {item.label}
                          <span className="block font-mono text-xs font-normal text-gray-600">{item.key}</span>
                        </th>
                        <td className="whitespace-nowrap px-2 py-1.5 text-gray-800">{intervalText(item.everyDays)}</td>
                        <td className="px-2 py-1.5 text-gray-800">
                          <ul>
                            {item.fulfilledBy.map((f) => <li key={`${f.trigger}#${f.property ?? ''}`}>{fulfillerText(f, triggerLabels)}</li>)}
                          </ul>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p className="mt-3 text-sm text-gray-600">No touchpoints are asked of this tier: its accounts get automated touches only.</p>
            )}
          </section>
        );
      })}
    </div>
  );
}
