'use client';

import { useState } from 'react';
import { dangerButton, inputClass } from '@/components/ui/form';
import { RelativeTime } from '@/components/ui/relative-time';
import type { VersionEntry } from '@/lib/server/queries/model-history';

const SHOWN_CHANGES = 12;

function Rollback({ version, onRollback, busy }: { version: number; onRollback: (version: number, note: string) => Promise<string | null>; busy: boolean }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState(`Roll back to version ${version}`);
  const [error, setError] = useState<string | null>(null);
  if (!open) return <button type="button" className={dangerButton} disabled={busy} onClick={() => setOpen(true)}>Restore version {version}</button>;
  return (
    <form className="mt-2 flex flex-wrap items-end gap-2" onSubmit={async (e) => { e.preventDefault(); setError(await onRollback(version, note)); }}>
      <label className="text-xs text-gray-700">Note
        <input className={`${inputClass} w-72`} value={note} onChange={(e) => setNote(e.target.value)} required />
      </label>
      <button type="submit" className={dangerButton} disabled={busy}>Confirm restoring version {version}</button>
      <button type="button" className="text-sm text-gray-700 underline" onClick={() => setOpen(false)}>Cancel</button>
      {error ? <span role="alert" className="text-xs text-red-800">{error}</span> : null}
    </form>
  );
}

/** Every published version, newest first, with its author, note, time and what it changed. */
export function VersionsList({ versions, onRollback, busy }: { versions: VersionEntry[]; onRollback: (version: number, note: string) => Promise<string | null>; busy: boolean }) {
  const live = versions[0]?.version;
  return (
    <section aria-labelledby="versions-heading" className="rounded-lg border border-gray-200 bg-white p-4">
      <h2 id="versions-heading" className="text-base font-semibold text-gray-900">Versions</h2>
      <ol className="mt-2 divide-y divide-gray-100">
        {versions.map((v) => (
          <li key={v.version} className="py-3" aria-label={`Version ${v.version}`}>
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <p className="text-sm">
                <span className="font-semibold text-gray-900">Version {v.version}</span>
                {v.version === live ? <span className="ml-2 rounded bg-green-50 px-1.5 py-0.5 text-xs font-medium text-green-900">live</span> : null}
                {v.rollbackOf ? <span className="ml-2 text-xs text-gray-600">restores version {v.rollbackOf}</span> : null}
                <span className="ml-2 text-gray-600">by {v.author}, <RelativeTime iso={v.publishedAt} /></span>
              </p>
              {v.version !== live ? <Rollback version={v.version} onRollback={onRollback} busy={busy} /> : null}
            </div>
            {v.note ? <p className="mt-0.5 text-sm text-gray-800">{v.note}</p> : null}
            {v.changes.length ? (
              <details className="mt-1">
                <summary className="cursor-pointer text-xs text-accent-strong">{v.changes.length} change{v.changes.length > 1 ? 's' : ''} from version {versions.find((x) => x.version < v.version)?.version}</summary>
                <ul className="mt-1 space-y-0.5 font-mono text-xs text-gray-800">
                  {v.changes.slice(0, SHOWN_CHANGES).map((c) => <li key={c}>{c}</li>)}
                  {v.changes.length > SHOWN_CHANGES ? <li className="text-gray-600">and {v.changes.length - SHOWN_CHANGES} more</li> : null}
                </ul>
              </details>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
