'use client';

import { useRouter } from 'next/navigation';
import Papa from 'papaparse';
import { useEffect, useState } from 'react';
import { MappingTable } from '@/components/import/mapping-table';
import { PreviewTable } from '@/components/import/preview-table';
import { ProblemsTable } from '@/components/import/problems-table';
import { ProgressBar } from '@/components/import/progress-bar';
import { Card, FormAlert, primaryButton, secondaryButton } from '@/components/ui/form';
import { formatCount } from '@/lib/format';
import { CSV_FIELDS, EXTRAS_FIELD, IMPORT_KINDS, guessMapping, mappingProblems, type ImportKind, type Mapping } from '@/lib/ingest/csv';
import type { ImportStatus } from '@/lib/server/imports/csv-import';

const KIND_LABEL: Record<ImportKind, string> = { accounts: 'Accounts', contacts: 'Contacts', events: 'Events', outcomes: 'Outcomes' };
const KIND_TEXT: Record<ImportKind, string> = {
  accounts: 'customers: id, name, tier, ARR, owner, dates',
  contacts: 'stakeholders of existing accounts',
  events: 'engagement triggers that happened',
  outcomes: 'renewals, churn, expansion',
};

interface Picked {
  file: File;
  headers: string[];
  sample: Record<string, string | undefined>[];
}

const PREVIEW_ROWS = 10;

async function api<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const body = (await res.json().catch(() => null)) as (T & { error?: { message: string } }) | null;
  if (!res.ok) throw new Error(body?.error?.message ?? `The server answered ${res.status}`);
  return body as T;
}

const mb = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export function ImportClient() {
  const router = useRouter();
  const [kind, setKind] = useState<ImportKind>('accounts');
  const [picked, setPicked] = useState<Picked | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [extras, setExtras] = useState(true);
  const [createAccounts, setCreateAccounts] = useState(false);
  const [token, setToken] = useState<string | null>(null);
  const [status, setStatus] = useState<ImportStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const working = status?.phase === 'checking' || status?.phase === 'importing';
  useEffect(() => {
    if (!token || !working) return;
    const timer = setInterval(() => {
      api<ImportStatus>(`/api/app/imports/${token}`).then((s) => {
        setStatus(s);
        if (s.phase === 'done' || s.phase === 'failed') router.refresh();
      }).catch((e: Error) => setError(e.message));
    }, 500);
    return () => clearInterval(timer);
  }, [token, working, router]);

  function reset(nextKind = kind) {
    setKind(nextKind);
    setStatus(null);
    setError(null);
    if (picked) setMapping(guessMapping(nextKind, picked.headers));
  }

  function pick(file: File | undefined) {
    setToken(null);
    setStatus(null);
    setError(null);
    setPicked(null);
    if (!file) return;
    Papa.parse<Record<string, string | undefined>>(file, {
      header: true, preview: PREVIEW_ROWS, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim(),
      complete: (result) => {
        const headers = (result.meta.fields ?? []).filter(Boolean);
        if (!headers.length) return setError('The file has no header row: the first line must name the columns.');
        setPicked({ file, headers, sample: result.data });
        setMapping(guessMapping(kind, headers));
      },
      error: (e) => setError(`The file cannot be read as CSV: ${e.message}`),
    });
  }

  function changeMapping(next: Mapping) {
    setMapping(next);
    if (status?.phase === 'checked' || status?.phase === 'failed') setStatus(null);
  }

  async function check() {
    if (!picked) return;
    setBusy(true);
    setError(null);
    try {
      let current = token;
      if (!current) {
        const uploaded = await api<{ token: string }>(`/api/app/imports?filename=${encodeURIComponent(picked.file.name)}`, { method: 'POST', body: picked.file, headers: { 'Content-Type': 'text/csv' } });
        current = uploaded.token;
        setToken(current);
      }
      setStatus(await api<ImportStatus>(`/api/app/imports/${current}/check`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kind, mapping, extras, createAccounts }),
      }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function run(skipInvalid: boolean) {
    setBusy(true);
    setError(null);
    try {
      setStatus(await api<ImportStatus>(`/api/app/imports/${token}/run`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ skipInvalid }) }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const missing = picked ? mappingProblems(kind, mapping) : [];
  const extrasField = EXTRAS_FIELD[kind];
  const good = status ? status.rows - status.badRows : 0;

  return (
    <div className="space-y-6">
      <Card id="step-file" title="1. Choose what to import and the file">
        <fieldset>
          <legend className="text-sm font-medium text-gray-700">What the file holds</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-4">
            {IMPORT_KINDS.map((k) => (
              <label key={k} className={`cursor-pointer rounded-md border px-3 py-2 text-sm ${kind === k ? 'border-accent bg-accent-soft' : 'border-gray-200 hover:bg-gray-50'}`}>
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => reset(k)} className="mr-2" disabled={working} />
                <span className="font-medium text-gray-900">{KIND_LABEL[k]}</span>
                <span className="mt-0.5 block text-xs text-gray-600">{KIND_TEXT[k]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="mt-4">
          <label htmlFor="csv-file" className="block text-sm font-medium text-gray-700">CSV file</label>
          <input id="csv-file" type="file" accept=".csv,text/csv" disabled={working} onChange={(e) => pick(e.target.files?.[0])}
            className="mt-1 block text-sm file:mr-3 file:rounded-md file:border file:border-gray-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium hover:file:bg-gray-50" aria-describedby="csv-file-hint" />
          <p id="csv-file-hint" className="mt-1 text-xs text-gray-600">
            The first line names the columns. Required: {CSV_FIELDS[kind].filter((f) => f.required).map((f) => f.label).join(', ')}. Dates as 2026-03-01 or 2026-03-01T09:30:00Z; up to 100 MB.
          </p>
        </div>
      </Card>

      {error ? <FormAlert>{error}</FormAlert> : null}

      {picked ? (
        <Card id="step-map" title="2. Map the columns" description={<>{picked.file.name} ({mb(picked.file.size)}), {picked.headers.length} columns. The columns were guessed from the header; change any that are wrong.</>}>
          <div className="space-y-4">
            <MappingTable kind={kind} headers={picked.headers} mapping={mapping} sample={picked.sample[0]} onChange={changeMapping} />
            <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm text-gray-800">
              {extrasField ? (
                <label className="inline-flex items-center gap-2">
                  <input type="checkbox" checked={extras} onChange={(e) => { setExtras(e.target.checked); changeMapping(mapping); }} />
                  Keep the other columns as {extrasField === 'properties' ? 'event properties' : 'account attributes'}
                </label>
              ) : null}
              {kind === 'events' ? (
                <label className="inline-flex items-center gap-2">
                  <input type="checkbox" checked={createAccounts} onChange={(e) => { setCreateAccounts(e.target.checked); changeMapping(mapping); }} />
                  Create accounts that do not exist yet (named by their id)
                </label>
              ) : null}
            </div>
            {missing.length ? <FormAlert>{missing.join('. ')}.</FormAlert> : null}
            <h3 className="text-sm font-semibold text-gray-900">Preview of the first {picked.sample.length} rows</h3>
            <PreviewTable kind={kind} rows={picked.sample} mapping={mapping} extras={extras} />
            <p className="text-xs text-gray-600">The preview checks each row on its own; checking the whole file also finds unknown accounts, triggers and contacts, and ids used twice.</p>
            <div>
              <button type="button" className={primaryButton} disabled={busy || working || missing.length > 0 || status?.phase === 'done'} onClick={check}>
                {status && status.phase !== 'uploaded' ? 'Check the whole file again' : 'Check the whole file'}
              </button>
            </div>
          </div>
        </Card>
      ) : null}

      {status && status.phase !== 'uploaded' ? (
        <Card id="step-import" title="3. Check and import">
          <div className="space-y-4" aria-live="polite">
            {status.phase === 'checking' ? <ProgressBar label="Checking the file" done={status.progress.done} total={status.progress.total} detail={`${mb(status.progress.done)} of ${mb(status.progress.total)}`} /> : null}
            {status.phase === 'importing' ? <ProgressBar label="Importing" done={status.progress.done} total={status.progress.total} detail={`${formatCount(status.progress.done)} of ${formatCount(status.progress.total)} rows`} /> : null}
            {status.phase === 'failed' ? <FormAlert>{status.message}</FormAlert> : null}
            {status.phase === 'checked' && status.badRows === 0 ? (
              <>
                <FormAlert tone="success">All {formatCount(status.rows)} rows are valid. Nothing has been written yet.</FormAlert>
                <button type="button" className={primaryButton} disabled={busy} onClick={() => run(false)}>Import {formatCount(status.rows)} rows</button>
              </>
            ) : null}
            {status.phase === 'checked' && status.badRows > 0 ? (
              <>
                <FormAlert>
                  {formatCount(status.badRows)} of {formatCount(status.rows)} rows have problems. Nothing has been written. Fix the file and choose it again, or skip these rows: they will be listed in a report you can download.
                </FormAlert>
                <ProblemsTable problems={status.problems} caption="Rows with problems" />
                {status.problemCount > status.problems.length ? <p className="text-xs text-gray-600">The first {status.problems.length} are shown; the report lists all of them.</p> : null}
                <div className="flex flex-wrap gap-2">
                  <button type="button" className={secondaryButton} disabled={busy || good === 0} onClick={() => run(true)}>
                    Skip {formatCount(status.badRows)} bad rows and import {formatCount(good)}
                  </button>
                </div>
              </>
            ) : null}
            {status.phase === 'done' && status.result ? (
              <FormAlert tone="success">
                Imported {formatCount(status.result.written)} rows{status.result.duplicates ? ` (${formatCount(status.result.duplicates)} were there already, same id)` : ''}
                {status.result.skipped ? `; skipped ${formatCount(status.result.skipped)}.` : '.'}{' '}
                {status.result.skipped && status.runPk ? <a href={`/api/app/imports/runs/${status.runPk}/report`} className="font-medium underline">Download the report of skipped rows</a> : null}
              </FormAlert>
            ) : null}
          </div>
        </Card>
      ) : null}
    </div>
  );
}
