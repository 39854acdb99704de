'use client';

import { useMemo, useState, useTransition } from 'react';
import { CadenceEditor } from '@/components/programme/cadence-editor';
import { CadenceVersions } from '@/components/programme/cadence-versions';
import { CadenceView } from '@/components/programme/cadence-view';
import { FormAlert, inputClass, primaryButton, secondaryButton } from '@/components/ui/form';
import { formatCount } from '@/lib/format';
import { cadenceSchema, type Cadence } from '@/lib/programme/cadence';
import { cadenceOf, draftChanged, draftOf, type CadenceDraft } from '@/lib/programme/cadence-draft';
import { issuesByPath } from '@/lib/programme/describe';
import type { CadenceTrigger, CadenceVersionEntry, TierCompliance } from '@/lib/server/queries/cadence-admin';
import { publishCadenceAction, type PublishedCadence } from './actions';

const NO_ERRORS: ReadonlyMap<string, string> = new Map();

function publishedText({ version, refreshed }: PublishedCadence): string {
  if (!refreshed) return `Version ${version} is live. Recomputing the accounts failed and was logged; the next sweep (within 5 minutes) does it.`;
  const tasks = `${formatCount(refreshed.tasksCreated)} task${refreshed.tasksCreated === 1 ? '' : 's'} created, ${formatCount(refreshed.tasksClosed)} closed`;
  return `Version ${version} is live. Cadence recomputed for ${formatCount(refreshed.accounts)} accounts: ${tasks}.`;
}

export function CadenceClient({ canEdit, live, versions, compliance, triggers }: {
  canEdit: boolean;
  live: { version: number; cadence: Cadence };
  versions: CadenceVersionEntry[];
  compliance: TierCompliance[];
  triggers: CadenceTrigger[];
}) {
  const [draft, setDraft] = useState<CadenceDraft | null>(null);
  const [note, setNote] = useState('');
  const [attempted, setAttempted] = useState(false);
  // What the server refused, for the cadence it was sent (it also checks the catalogue).
  const [refused, setRefused] = useState<{ json: string; errors: Map<string, string>; message: string } | null>(null);
  const [published, setPublished] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const triggerLabels = useMemo(() => new Map(triggers.map((t) => [t.key, t.label])), [triggers]);

  // A new live version (just published here, or by someone else) ends the edit.
  const [seenVersion, setSeenVersion] = useState(live.version);
  if (seenVersion !== live.version) {
    setSeenVersion(live.version);
    setDraft(null);
  }

  const cadence = draft ? cadenceOf(draft) : null;
  const json = cadence ? JSON.stringify(cadence) : '';
  const errors = !cadence || !attempted ? NO_ERRORS : refused?.json === json ? refused.errors : issuesByPath(cadenceSchema, cadence);
  const changed = draft ? draftChanged(draft, live.cadence) : false;

  const startEditing = () => {
    setDraft(draftOf(live.cadence));
    setNote('');
    setAttempted(false);
    setRefused(null);
    setPublished(null);
  };

  const publish = () => {
    if (!cadence) return;
    const sent = json;
    startTransition(async () => {
      const result = await publishCadenceAction({ cadence, note });
      setAttempted(true);
      if (!result.ok) {
        const map = new Map(Object.entries(result.fieldErrors).filter(([path]) => path !== 'cadence' && path !== '_form').map(([path, messages]) => [path, messages[0]!]));
        setRefused({ json: sent, errors: map, message: map.size ? `${result.message}: see the fields marked below.` : result.message });
        return;
      }
      setRefused(null);
      setPublished(publishedText(result.data));
    });
  };

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <p className="text-sm text-gray-700">
          {live.version ? <>Live: version {live.version}.</> : <>Live: the framework&apos;s default cadence (nothing published yet).</>}
          {!canEdit ? <> Only admins change it.</> : null}
        </p>
        <span className="flex-1" />
        {canEdit && !draft ? <button type="button" className={primaryButton} onClick={startEditing}>Edit cadence</button> : null}
      </div>
      {published ? <FormAlert tone="success">{published}</FormAlert> : null}
      {draft && refused?.json === json ? <FormAlert>{refused.message}</FormAlert> : null}

      {draft ? (
        <form aria-label="Edit the cadence" noValidate className="space-y-4" onSubmit={(e) => { e.preventDefault(); publish(); }}>
          <fieldset disabled={pending} className="space-y-4">
            <legend className="sr-only">The cadence per tier</legend>
            <CadenceEditor draft={draft} onChange={setDraft} triggers={triggers} errors={errors} compliance={compliance} />
          </fieldset>
          <section aria-labelledby="publish-cadence-heading" className="sticky bottom-0 z-10 rounded-lg border border-gray-300 bg-white p-4 shadow-lg">
            <h2 id="publish-cadence-heading" className="text-base font-semibold text-gray-900">Publish</h2>
            {errors.size ? (
              <div className="mt-2">
                <FormAlert>
                  <p className="font-medium">The cadence cannot be published yet:</p>
                  <ul className="mt-1 max-h-32 list-disc overflow-y-auto pl-5" data-testid="cadence-errors">
                    {[...errors].map(([path, message]) => <li key={path}><code>{path}</code>: {message}</li>)}
                  </ul>
                </FormAlert>
              </div>
            ) : null}
            <div className="mt-2 flex flex-wrap items-end gap-3">
              <div className="min-w-64 flex-1">
                <label htmlFor="cadence-note" className="block text-sm text-gray-700">Note (optional: what changed and why)</label>
                <input id="cadence-note" className={inputClass} value={note} maxLength={500} disabled={pending} onChange={(e) => setNote(e.target.value)} />
              </div>
              <button type="submit" className={primaryButton} disabled={pending || !changed}>
                {pending ? 'Publishing…' : `Publish as version ${live.version + 1}`}
              </button>
              <button type="button" className={secondaryButton} disabled={pending} onClick={() => { setDraft(null); setRefused(null); }}>Discard changes</button>
              {!changed && !pending ? <span className="text-xs text-gray-600">Change something first.</span> : null}
            </div>
            {pending ? (
              <div className="mt-3 space-y-1" role="status">
                <div className="h-2 w-full overflow-hidden rounded bg-gray-100" aria-hidden>
                  <div className="h-full w-1/3 animate-pulse rounded bg-accent" />
                </div>
                <p className="text-xs text-gray-700">Publishing, then recomputing every account&apos;s cadence and playbooks. On a large portfolio this takes a while; keep this page open.</p>
              </div>
            ) : null}
          </section>
        </form>
      ) : (
        <CadenceView cadence={live.cadence} triggerLabels={triggerLabels} compliance={compliance} />
      )}

      <CadenceVersions versions={versions} />
    </div>
  );
}
