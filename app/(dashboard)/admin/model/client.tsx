'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { JobProgress, useJob } from '@/components/model/job-progress';
import { PreviewPanel } from '@/components/model/preview-panel';
import { StructuredEditor } from '@/components/model/structured-editor';
import { ModelSuggestion } from '@/components/model/model-suggestion';
import { Suggestions } from '@/components/model/suggestions';
import { VersionsList } from '@/components/model/versions-list';
import { FormAlert, inputClass, primaryButton, secondaryButton } from '@/components/ui/form';
import { unknownTriggerErrors, validateModel, type Model, type TriggerCatalogue, type ValidationError } from '@/lib/scoring';
import type { VersionEntry } from '@/lib/server/queries/model-history';
import type { ModelPreview } from '@/lib/server/queries/model-preview';
import type { SuggestDefaults } from '@/lib/server/queries/suggested-model';
import type { SuggestedWeights } from '@/lib/server/queries/suggested-weights';
import { discardDraftAction, publishAction, rollbackAction, saveDraftAction, suggestWeightsAction } from './actions';

const PREVIEW_DEBOUNCE_MS = 400;
const SAVE_DEBOUNCE_MS = 1000;

/** The structured form needs the lists it iterates over; anything else is left to validation. */
function formShape(json: unknown): Model | null {
  const m = json as Partial<Model> | null;
  if (!m || typeof m !== 'object' || !Array.isArray(m.dimensions) || !Array.isArray(m.bands)) return null;
  if (!m.dimensions.every((d) => d && Array.isArray(d.measures))) return null;
  if (m.overrides !== undefined && !Array.isArray(m.overrides)) return null;
  return { ...m, tierTargets: m.tierTargets ?? {}, overrides: m.overrides ?? [] } as Model;
}

/** The draft's problems as the server would list them: the schema's, then trigger keys the catalogue does not have. */
function parse(text: string, catalogue: TriggerCatalogue): { json: unknown; parseError: string | null; errors: ValidationError[] } {
  try {
    const json: unknown = JSON.parse(text);
    const checked = validateModel(json);
    return { json, parseError: null, errors: [...(checked.ok ? [] : checked.errors), ...unknownTriggerErrors(json, catalogue)] };
  } catch (error) {
    return { json: null, parseError: (error as Error).message, errors: [] };
  }
}

export function ModelEditorClient({ live, draft, versions, defaultAsOf, triggers, catalogue, suggestDefaults }: {
  live: { version: number; model: Model };
  draft: { baseVersion: number | null; text: string; updatedAt: string } | null;
  versions: VersionEntry[];
  defaultAsOf: string;
  /** active trigger keys, offered as event types of new measures */
  triggers: string[];
  /** every trigger key (retired ones too) and the event names mapped to triggers: what a model may read */
  catalogue: { keys: string[]; aliases: [string, string][] };
  /** periods to fit a suggested model on (null: the history is too short to propose any) */
  suggestDefaults: SuggestDefaults | null;
}) {
  const router = useRouter();
  const liveText = useMemo(() => JSON.stringify(live.model, null, 2), [live.model]);
  const [text, setText] = useState(draft?.text ?? liveText);
  const [saved, setSaved] = useState<string>(draft?.text ?? liveText);
  const [saveMessage, setSaveMessage] = useState<string | null>(draft ? `Draft restored (based on version ${draft.baseVersion ?? '?'})` : null);
  const [asOf, setAsOf] = useState(defaultAsOf);
  const [preview, setPreview] = useState<ModelPreview | null>(null);
  const [previewState, setPreviewState] = useState<'idle' | 'loading' | 'error' | 'invalid'>('idle');
  const [suggestion, setSuggestion] = useState<SuggestedWeights | null>(null);
  const [suggestingModel, setSuggestingModel] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'error' | 'success' | 'info'; text: string } | null>(null);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);
  const [job, setJob] = useState<{ pk: number; label: string } | null>(null);
  const requestId = useRef(0);

  // A new live version (published or restored here, then refreshed) becomes the editor's text.
  const [seenVersion, setSeenVersion] = useState(live.version);
  if (seenVersion !== live.version) {
    setSeenVersion(live.version);
    setText(liveText);
    setSaved(liveText);
  }

  const known = useMemo<TriggerCatalogue>(() => ({ keys: new Set(catalogue.keys), aliases: new Map(catalogue.aliases) }), [catalogue]);
  // What the server refused on publishing this text (the catalogue may have changed since the page loaded).
  const [refused, setRefused] = useState<{ text: string; errors: ValidationError[] } | null>(null);
  const parsed = useMemo(() => parse(text, known), [text, known]);
  const { json, parseError } = parsed;
  const errors = useMemo(() => {
    if (refused?.text !== text) return parsed.errors;
    const seen = new Set(parsed.errors.map((e) => e.path));
    return [...parsed.errors, ...refused.errors.filter((e) => !seen.has(e.path))];
  }, [parsed.errors, refused, text]);
  const form = parseError ? null : formShape(json);
  const errorMap = useMemo(() => new Map(errors.map((e) => [e.path, e.message])), [errors]);
  const valid = !parseError && errors.length === 0;
  const changed = text !== liveText;

  useEffect(() => {
    if (!valid) return;
    const id = ++requestId.current;
    const timer = setTimeout(async () => {
      setPreviewState('loading');
      try {
        const response = await fetch('/api/app/model/preview', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: json, asOf }) });
        if (id !== requestId.current) return;
        if (!response.ok) throw new Error(((await response.json()) as { error?: { message?: string } }).error?.message ?? response.statusText);
        setPreview((await response.json()) as ModelPreview);
        setPreviewState('idle');
      } catch {
        if (id === requestId.current) setPreviewState('error');
      }
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // live.version: after a publish or rollback the live side of the comparison has changed.
  }, [json, valid, asOf, live.version]);
  const shownPreviewState = valid ? previewState : 'invalid';

  useEffect(() => {
    if (text === saved || parseError) return;
    const timer = setTimeout(async () => {
      // Back to the live model (or just published): there is no draft to keep.
      if (text === liveText) {
        await discardDraftAction({});
        setSaved(text);
        return;
      }
      const result = await saveDraftAction({ model: text, baseVersion: live.version });
      if (result.ok) {
        setSaved(text);
        setSaveMessage(`Draft saved${result.data.errors.length ? ` (${result.data.errors.length} problem${result.data.errors.length > 1 ? 's' : ''} to fix before publishing)` : ''}`);
      } else setSaveMessage(`Draft not saved: ${result.message}`);
    }, SAVE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, saved, parseError, live.version, liveText]);

  const jobState = useJob(job?.pk ?? null, (end) => {
    setNotice(end.status === 'done' ? { tone: 'success', text: end.message ?? 'Done' } : { tone: 'error', text: end.message ?? 'Failed' });
    setJob(null);
    router.refresh();
  });

  const publish = async () => {
    if (!note.trim()) return setNoteError('Say what changed and why');
    setNoteError(null);
    const result = await publishAction({ model: text, note });
    if (!result.ok) {
      // Problems of the model come back by their path: they are shown at their fields, as the editor's own checks are.
      const fields = Object.entries(result.fieldErrors).filter(([k]) => k !== 'note' && k !== '_form');
      setRefused({ text, errors: fields.map(([path, messages]) => ({ path, message: messages[0]! })) });
      if (result.fieldErrors.note) setNoteError(result.fieldErrors.note[0]!);
      return setNotice({ tone: 'error', text: fields.length ? `${result.message}. See the problems listed above the form.` : result.message });
    }
    setNote('');
    setSaved(text);
    setSaveMessage(null);
    setNotice({ tone: 'info', text: `Version ${result.data.version} published` });
    setJob({ pk: result.data.job, label: `Recomputing scores with version ${result.data.version}` });
  };

  const rollback = async (version: number, rollbackNote: string): Promise<string | null> => {
    const result = await rollbackAction({ version, note: rollbackNote });
    if (!result.ok) return result.fieldErrors.note?.[0] ?? result.message;
    setNotice({ tone: 'info', text: `Version ${result.data.version} restores version ${version}` });
    setJob({ pk: result.data.job, label: `Recomputing scores with version ${result.data.version}` });
    return null;
  };

  const suggest = async () => {
    setNotice({ tone: 'info', text: 'Fitting weights on earlier outcomes…' });
    const result = await suggestWeightsAction({});
    if (!result.ok) return setNotice({ tone: 'error', text: result.message });
    setNotice(null);
    setSuggestion(result.data);
  };

  const importFile = async (file: File | undefined) => {
    if (file) setText(await file.text());
  };
  const exportJson = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `trellis-model-draft.json` });
    a.click();
    URL.revokeObjectURL(url);
  };
  const reset = async () => {
    setText(liveText);
    setSaved(liveText);
    setSaveMessage('Draft discarded');
    await discardDraftAction({});
  };

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm text-gray-700">Live: version {live.version}. {changed ? 'The draft differs from it.' : 'The draft is the live model.'}</span>
        <span className="text-xs text-gray-600" role="status">{saveMessage}</span>
        <span className="flex-1" />
        <button type="button" className={secondaryButton} onClick={() => setSuggestingModel(true)} aria-expanded={suggestingModel}>Suggest a model…</button>
        <button type="button" className={secondaryButton} onClick={suggest}>Suggest weights</button>
        <button type="button" className={secondaryButton} onClick={exportJson}>Export JSON</button>
        <label className={`${secondaryButton} cursor-pointer`}>Import JSON<input type="file" accept="application/json,.json" className="sr-only" onChange={(e) => importFile(e.target.files?.[0])} /></label>
        <button type="button" className={secondaryButton} onClick={reset} disabled={!changed}>Discard draft</button>
      </div>
      {notice ? <FormAlert tone={notice.tone}>{notice.text}</FormAlert> : null}
      {suggestion ? (
        <Suggestions suggestion={suggestion} onClose={() => setSuggestion(null)}
          onLoad={() => { setText(JSON.stringify(suggestion.model, null, 2)); setSuggestion(null); setNotice({ tone: 'info', text: 'Suggested weights loaded into the draft. Check the preview before publishing.' }); }} />
      ) : null}
      {suggestingModel ? (
        <ModelSuggestion defaults={suggestDefaults} onClose={() => setSuggestingModel(false)}
          onLoad={(r) => { setText(JSON.stringify(r.model, null, 2)); setSuggestingModel(false); setNotice({ tone: 'info', text: 'The suggested model is loaded into the draft. The preview shows what it would change; publish it when it convinces you.' }); }} />
      ) : null}

      <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <div className="space-y-4">
          {errors.length || parseError ? (
            <FormAlert>
              <p className="font-medium">The draft cannot be published yet:</p>
              <ul className="mt-1 list-disc pl-5" data-testid="model-errors">
                {parseError ? <li>JSON: {parseError}</li> : errors.map((e) => <li key={`${e.path}:${e.message}`}><code>{e.path}</code>: {e.message}</li>)}
              </ul>
            </FormAlert>
          ) : null}
          {form ? <StructuredEditor model={form} errors={errorMap} triggers={triggers} onChange={(m) => setText(JSON.stringify(m, null, 2))} /> : null}
          <details className="rounded-lg border border-gray-200 bg-white p-4" open={!form}>
            <summary className="cursor-pointer text-sm font-semibold text-gray-900">Model JSON</summary>
            <label htmlFor="model-json" className="mt-2 block text-xs text-gray-600">The whole model (SCORING.md §2): everything the form shows, plus keys, event types and override tiers and attributes.</label>
            <textarea id="model-json" className={`${inputClass} h-96 font-mono text-xs`} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={!!parseError || errors.length > 0} />
          </details>
        </div>
        <div className="space-y-4">
          <div className="xl:sticky xl:top-4 space-y-4">
            <PreviewPanel preview={preview} state={shownPreviewState} asOf={asOf} onAsOf={setAsOf} />
            <section aria-labelledby="publish-heading" className="rounded-lg border border-gray-200 bg-white p-4">
              <h2 id="publish-heading" className="text-base font-semibold text-gray-900">Publish</h2>
              <label htmlFor="publish-note" className="mt-2 block text-sm text-gray-700">Note (what changed and why)</label>
              <textarea id="publish-note" className={`${inputClass} h-16`} value={note} onChange={(e) => setNote(e.target.value)} aria-invalid={!!noteError} aria-describedby={noteError ? 'publish-note-error' : undefined} />
              {noteError ? <p id="publish-note-error" className="mt-1 text-xs font-medium text-red-800">{noteError}</p> : null}
              <div className="mt-3 flex items-center gap-3">
                <button type="button" className={primaryButton} onClick={publish} disabled={!valid || !changed || job !== null}>Publish as a new version</button>
                {!changed ? <span className="text-xs text-gray-600">Change something first.</span> : null}
              </div>
              {job ? <div className="mt-3"><JobProgress job={jobState} label={job.label} /></div> : null}
            </section>
          </div>
        </div>
      </div>

      <VersionsList versions={versions} onRollback={rollback} busy={job !== null} />
    </div>
  );
}
