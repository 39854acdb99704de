'use client';

/** The cadence as a form: per tier, its items in order, each editable, movable and removable. */
import { secondaryButton } from '@/components/ui/form';
import { MAX_ITEMS_PER_TIER } from '@/lib/programme/cadence';
import { moveEntry, newItem, type CadenceDraft } from '@/lib/programme/cadence-draft';
import { TIER_NAMES } from '@/lib/programme/describe';
import { TIERS, type Tier } from '@/lib/scoring/types';
import type { CadenceTrigger, TierCompliance } from '@/lib/server/queries/cadence-admin';
import { CadenceItemFields } from './cadence-item-fields';
import { ComplianceText } from './cadence-view';

export function CadenceEditor({ draft, onChange, triggers, errors, compliance }: {
  draft: CadenceDraft; onChange: (draft: CadenceDraft) => void; triggers: readonly CadenceTrigger[];
  errors: ReadonlyMap<string, string>; compliance: readonly TierCompliance[];
}) {
  const setTier = (tier: Tier, items: CadenceDraft[Tier]) => onChange({ ...draft, [tier]: items });
  const firstTrigger = triggers.find((t) => !t.retired)?.key ?? '';
  return (
    <div className="grid gap-4 2xl:grid-cols-2">
      {TIERS.map((tier) => {
        const items = draft[tier];
        const tierError = errors.get(`tiers.${tier}`);
        const add = () => {
          const item = newItem(items, firstTrigger);
          if (item) setTier(tier, [...items, item]);
        };
        return (
          <section key={tier} aria-labelledby={`edit-tier-${tier}`} className="rounded-lg border border-gray-200 bg-white p-4">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 id={`edit-tier-${tier}`} className="text-base font-semibold text-gray-900">{TIER_NAMES[tier]}</h2>
              <p className="text-sm text-gray-700"><ComplianceText row={compliance.find((c) => c.tier === tier)} items={items.length} /></p>
            </div>
            {tierError ? <p className="mt-1 text-xs font-medium text-red-800">{tierError}</p> : null}
            <div className="mt-3 space-y-3">
              {items.map((item, i) => (
                <CadenceItemFields key={item.uid} tier={tier} tierName={TIER_NAMES[tier]} index={i} count={items.length} item={item} triggers={triggers} errors={errors}
                  onChange={(next) => setTier(tier, items.map((x) => (x.uid === item.uid ? next : x)))}
                  onMove={(to) => setTier(tier, moveEntry(items, i, to))}
                  onRemove={() => setTier(tier, items.filter((x) => x.uid !== item.uid))} />
              ))}
              {items.length === 0 ? <p className="text-sm text-gray-600">No touchpoints are asked of this tier: its accounts get automated touches only.</p> : null}
            </div>
            <button type="button" className={`${secondaryButton} mt-3`} onClick={add} disabled={items.length >= MAX_ITEMS_PER_TIER || !firstTrigger}>
              Add an item to {TIER_NAMES[tier]}
            </button>
          </section>
        );
      })}
    </div>
  );
}
