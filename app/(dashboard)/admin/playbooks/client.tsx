'use client';

import { useEffect, useRef, useState, useTransition } from 'react';
import { FiringsTable } from '@/components/programme/firings-table';
import { PlaybookForm } from '@/components/programme/playbook-form';
import { PlaybookTable } from '@/components/programme/playbook-table';
import { FormAlert, primaryButton, secondaryButton } from '@/components/ui/form';
import { formatCount } from '@/lib/format';
import { draftOfPlaybook, emptyDraft, type PlaybookDraft } from '@/lib/programme/playbook-draft';
import type { ProgrammeOutcome } from '@/lib/server/commands/programme';
import type { PlaybookFiring, PlaybookFormOptions, PlaybookListItem } from '@/lib/server/queries/playbooks';
import { runPlaybooksNowAction, setPlaybookActiveAction } from './actions';

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

function outcomeText(o: ProgrammeOutcome & { accounts: number }): string {
  return `Checked ${plural(o.accounts, 'account')}: ${plural(o.runsStarted, 'playbook run')} started, ${formatCount(o.runsEnded)} ended; ${plural(o.tasksCreated, 'task')} created, ${formatCount(o.tasksClosed)} closed.`;
}

export function PlaybooksClient({ canEdit, playbooks, firings, options }: {
  canEdit: boolean; playbooks: PlaybookListItem[]; firings: PlaybookFiring[]; options: PlaybookFormOptions;
}) {
  const [editing, setEditing] = useState<{ mode: 'create' | 'edit'; draft: PlaybookDraft; id: number } | null>(null);
  const [notice, setNotice] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [busyKey, setBusyKey] = useState<string | null>(null);
  const [running, startRun] = useTransition();
  const [, startToggle] = useTransition();
  const formRef = useRef<HTMLDivElement>(null);
  const editId = useRef(0);

  // The form comes into view with its heading focused, for keyboard and screen-reader users.
  useEffect(() => {
    if (!editing) return;
    formRef.current?.scrollIntoView({ block: 'start' });
    formRef.current?.querySelector<HTMLElement>('#playbook-form-heading')?.focus();
  }, [editing?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  const open = (mode: 'create' | 'edit', draft: PlaybookDraft) => {
    setNotice(null);
    setEditing({ mode, draft, id: ++editId.current });
  };

  const toggle = (p: PlaybookListItem) => {
    setBusyKey(p.key);
    setNotice(null);
    startToggle(async () => {
      const result = await setPlaybookActiveAction({ key: p.key, active: !p.active });
      setBusyKey(null);
      setNotice(result.ok
        ? { tone: 'success', text: result.data.active
          ? `“${p.name}” is on: it fires at the next sweep or rescore, or at once with Run now.`
          : `“${p.name}” is off: its open runs end at the next sweep or rescore (or at once with Run now); tasks it gave stay with their owners.` }
        : { tone: 'error', text: result.message });
    });
  };

  const runNow = () => {
    setNotice(null);
    startRun(async () => {
      const result = await runPlaybooksNowAction({});
      setNotice(result.ok ? { tone: 'success', text: outcomeText(result.data) } : { tone: 'error', text: result.message });
    });
  };

  return (
    <div className="space-y-6">
      {canEdit ? (
        <div className="flex flex-wrap items-center gap-3">
          <button type="button" className={primaryButton} disabled={editing !== null} onClick={() => open('create', emptyDraft(options.bands))}>New playbook</button>
          <button type="button" className={secondaryButton} disabled={running} onClick={runNow}>{running ? 'Running…' : 'Run now'}</button>
          <span className="text-sm text-gray-600">Run now judges every account against the active playbooks at once, instead of at the next sweep.</span>
        </div>
      ) : (
        <p className="text-sm text-gray-700">Only admins change playbooks.</p>
      )}
      {running ? <p role="status" className="text-sm text-gray-700">Checking every account against the playbooks… On a large portfolio this takes a while.</p> : null}
      {notice ? <FormAlert tone={notice.tone}>{notice.text}</FormAlert> : null}

      {editing ? (
        <div ref={formRef} className="scroll-mt-4">
          <PlaybookForm key={editing.id} mode={editing.mode} initial={editing.draft} options={options} onCancel={() => setEditing(null)}
            onDone={(text) => { setEditing(null); setNotice({ tone: 'success', text }); }} />
        </div>
      ) : null}

      <section aria-labelledby="playbooks-heading" className="space-y-2">
        <h2 id="playbooks-heading" className="text-base font-semibold text-gray-900">All playbooks</h2>
        <PlaybookTable playbooks={playbooks} canEdit={canEdit} busyKey={busyKey}
          onEdit={(p) => p.definition && open('edit', draftOfPlaybook(p.definition))} onToggle={toggle} />
      </section>

      <section aria-labelledby="firings-heading" className="space-y-2">
        <h2 id="firings-heading" className="text-base font-semibold text-gray-900">Recent firings</h2>
        <FiringsTable firings={firings} />
      </section>
    </div>
  );
}
