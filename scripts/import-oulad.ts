/**
 * npm run import:oulad -- <folder> [--incomplete-as-churn]
 *
 * Imports the OULAD module DDD files (e.g. /work/shared/data/oulad-ddd) as docs/oulad.md
 * describes: accounts (enrolments), one contact each, 2.1 M click events streamed from the gzip
 * file in batches, met and missed milestones from the assessments, churned outcomes for
 * withdrawals; publishes the OULAD trigger model and scores
 * everything with it. Idempotent: ids make a second run add nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { activityLabel, cells, cohortStart, DAY_MS, enrolmentId, milestoneOf, MILESTONE_TRIGGERS, OULAD_MODEL, studentContactId, type AssessmentDue } from '@/lib/ingest/oulad';
import type { AccountInput, ContactInput, EventInput, OutcomeInput } from '@/lib/ingest/schemas';
import { modelSchema } from '@/lib/scoring/schema';
import { triggerKeysOf } from '@/lib/scoring/trigger-refs';
import { insertOutcomes, upsertAccounts, upsertContacts } from '@/lib/server/commands/accounts';
import { ingestEvents } from '@/lib/server/commands/events';
import { finishImportRun, startImportRun } from '@/lib/server/commands/import-runs';
import { publishModel } from '@/lib/server/commands/model';
import { rescoreEverything } from '@/lib/server/commands/rescore-all';
import { getLiveModel } from '@/lib/server/queries/model';
import type { Store } from '@/lib/server/store';
import { openMigratedStore, run, UsageError } from './cli';

const EVENT_BATCH = 10_000;
const ROW_BATCH = 5_000;
const FILES = ['studentInfo.csv.gz', 'studentRegistration.csv.gz', 'vle.csv.gz', 'courses.csv.gz', 'studentVle.csv.gz', 'assessments.csv.gz', 'studentAssessment.csv.gz'];

/** Rows of a gzip CSV file as cells, with the share of the compressed file read so far. */
async function* rows(file: string): AsyncGenerator<{ cells: string[]; read: number }> {
  const input = fs.createReadStream(file);
  const total = fs.statSync(file).size;
  const lines = readline.createInterface({ input: input.pipe(zlib.createGunzip()), crlfDelay: Infinity });
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    if (line.trim()) yield { cells: cells(line), read: input.bytesRead / total };
  }
}

async function all(file: string): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of rows(file)) out.push(r.cells);
  return out;
}

async function inBatches<T>(items: T[], size: number, fn: (batch: T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}

const int = (s: string | undefined): number | null => (s === undefined || s === '' ? null : Number.isInteger(Number(s)) ? Number(s) : null);

async function registerTriggers(db: Store, types: string[]): Promise<number> {
  await db.runMany(
    "INSERT INTO triggers (key, label, description, properties) VALUES (?, ?, ?, '[]') ON CONFLICT (key) DO UPDATE SET retired_at = NULL",
    types.map((t) => [t, activityLabel(t), `Clicks on "${t}" resources of the OULAD virtual learning environment`]),
  );
  return types.length;
}

function say(message: string) {
  process.stderr.write(`${message}\n`);
}

run(async () => {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'incomplete-as-churn': { type: 'boolean', default: false } } });
  const folder = positionals[0];
  if (!folder) throw new UsageError('usage: npm run import:oulad -- <folder with the OULAD .csv.gz files> [--incomplete-as-churn]');
  for (const f of FILES) if (!fs.existsSync(path.join(folder, f))) throw new UsageError(`${path.join(folder, f)} is missing`);
  const started = performance.now();
  const db = await openMigratedStore();
  try {
    await importFolder(db, folder, values['incomplete-as-churn'] ?? false, started);
  } finally {
    await db.close();
  }
});

/** Assessments (not the exam) as met or missed milestones of each enrolment (`milestoneOf`). */
async function importMilestones(
  db: Store,
  file: (name: string) => string,
  accounts: readonly AccountInput[],
  registration: ReadonlyMap<string, { registered: number | null; unregistered: number | null }>,
): Promise<number> {
  const dueBy = new Map<string, AssessmentDue[]>();
  for (const [, presentation, id, type, date] of await all(file('assessments.csv.gz'))) {
    const day = int(date);
    if (type === 'Exam' || day === null) continue;
    dueBy.set(presentation!, [...(dueBy.get(presentation!) ?? []), { id: id!, date: day }]);
  }
  const submitted = new Map<string, { day: number | null; banked: boolean }>();
  for (const [assessment, student, day, banked] of await all(file('studentAssessment.csv.gz'))) {
    submitted.set(`${assessment}|${student}`, { day: int(day), banked: banked === '1' });
  }
  const events: EventInput[] = [];
  const counts = { met: 0, missed: 0 };
  for (const a of accounts) {
    const { presentation, student } = a.attributes as { presentation: string; student: string };
    const start = cohortStart(presentation);
    for (const due of dueBy.get(presentation) ?? []) {
      const m = milestoneOf(due, submitted.get(`${due.id}|${student}`), registration.get(a.id)?.unregistered ?? null);
      if (!m) continue;
      counts[m.type === 'milestone.met' ? 'met' : 'missed'] += 1;
      events.push({ id: `oulad-${a.id}-assessment-${due.id}`, accountId: a.id, contactId: studentContactId(a.id), type: m.type, occurredAt: start + m.day * DAY_MS, count: 1 });
    }
  }
  let accepted = 0;
  await inBatches(events, EVENT_BATCH, async (b) => {
    accepted += (await ingestEvents(db, b, { score: false, source: 'oulad' })).accepted;
  });
  say(`Milestones: ${counts.met.toLocaleString('en')} assessments met, ${counts.missed.toLocaleString('en')} missed (${accepted.toLocaleString('en')} new events)`);
  return accepted;
}

/** Imports the files of `folder` as the module's comment says, then publishes the model and scores. */
async function importFolder(db: Store, folder: string, incompleteAsChurn: boolean, started: number): Promise<void> {
  const file = (name: string) => path.join(folder, name);

  // Catalogue: the activity types of the sites become triggers, and so do the types the OULAD
  // model reads (a published model may only read triggers of the catalogue; a module whose sites
  // lack one of them still gets the model).
  const siteType = new Map<string, string>();
  for (const c of await all(file('vle.csv.gz'))) siteType.set(c[0]!, c[3]!);
  const types = [...new Set([...siteType.values(), ...triggerKeysOf(OULAD_MODEL)])].sort();
  await registerTriggers(db, types);
  await db.runMany(
    "INSERT INTO triggers (key, label, description, properties) VALUES (?, ?, ?, '[]') ON CONFLICT (key) DO UPDATE SET retired_at = NULL",
    MILESTONE_TRIGGERS.map((t) => [t.key, t.label, t.description]),
  );
  say(`Triggers: ${types.length} activity types (${types.join(', ')})`);

  // Accounts, contacts and outcomes from the enrolments.
  const courseLength = new Map((await all(file('courses.csv.gz'))).map((c) => [c[1]!, Number(c[2])]));
  const registration = new Map((await all(file('studentRegistration.csv.gz'))).map((c) => [enrolmentId(c[1]!, c[2]!), { registered: int(c[3]), unregistered: int(c[4]) }]));
  const accounts: AccountInput[] = [];
  const contacts: ContactInput[] = [];
  const outcomes: OutcomeInput[] = [];
  let withdrawnWithoutDate = 0;
  for (const c of await all(file('studentInfo.csv.gz'))) {
    const [module, presentation, student, gender, region, education, imd, age, attempts, credits, disability, result] = c;
    const id = enrolmentId(presentation!, student!);
    const start = cohortStart(presentation!);
    const reg = registration.get(id);
    accounts.push({
      id, name: `Student ${student} (${presentation})`, startedAt: start,
      attributes: {
        module: module!, presentation: presentation!, student: student!, gender: gender!, region: region!, highestEducation: education!,
        imdBand: imd || null, ageBand: age!, previousAttempts: Number(attempts), studiedCredits: Number(credits), disability: disability!,
        finalResult: result!, registrationDay: reg?.registered ?? null, unregistrationDay: reg?.unregistered ?? null,
      },
    });
    contacts.push({ id: studentContactId(id), accountId: id, name: `Student ${student}`, role: 'user' });
    if (result === 'Withdrawn') {
      if (reg?.unregistered === null || reg?.unregistered === undefined) withdrawnWithoutDate += 1;
      else outcomes.push({ id: `oulad-churn-${id}`, accountId: id, type: 'churned', occurredAt: start + reg.unregistered * DAY_MS, reason: 'Withdrawn' });
    } else if (result === 'Fail' && incompleteAsChurn) {
      outcomes.push({ id: `oulad-fail-${id}`, accountId: id, type: 'churned', occurredAt: start + (courseLength.get(presentation!) ?? 0) * DAY_MS, reason: 'Failed (did not complete)' });
    }
  }
  let newAccounts = 0;
  await inBatches(accounts, ROW_BATCH, async (b) => {
    newAccounts += (await upsertAccounts(db, b)).created;
  });
  await inBatches(contacts, ROW_BATCH, async (b) => {
    await upsertContacts(db, b);
  });
  let newOutcomes = 0;
  await inBatches(outcomes, ROW_BATCH, async (b) => {
    newOutcomes += (await insertOutcomes(db, b)).accepted;
  });
  say(`Accounts: ${accounts.length} enrolments (${newAccounts} new), ${contacts.length} contacts; outcomes: ${outcomes.length} churned (${newOutcomes} new)` +
    (withdrawnWithoutDate ? `; ${withdrawnWithoutDate} withdrawn enrolments have no unregistration date, so no outcome` : ''));

  // Events, streamed: the file is grouped by (presentation, day), so repeats of the same
  // (student, site, day) are numbered within that group to give every row its own id.
  const runPk = await startImportRun(db, { kind: 'oulad', filename: path.join(folder, 'studentVle.csv.gz'), totalRows: 0, actor: 'cli' });
  let batch: EventInput[] = [];
  let read = 0;
  let accepted = 0;
  let duplicates = 0;
  let bad = 0;
  let group = '';
  let seen = new Map<string, number>();
  let lastReport = performance.now();
  const eventsStarted = performance.now();
  const flush = async () => {
    if (!batch.length) return;
    const r = await ingestEvents(db, batch, { score: false, source: 'oulad' });
    accepted += r.accepted;
    duplicates += r.duplicates;
    batch = [];
  };
  for await (const { cells: c, read: share } of rows(file('studentVle.csv.gz'))) {
    read += 1;
    const [, presentation, student, site, dateText, clicksText] = c;
    const type = siteType.get(site!);
    const date = int(dateText);
    const clicks = int(clicksText);
    if (!type || date === null || clicks === null || clicks < 1) {
      bad += 1;
      continue;
    }
    if (`${presentation}|${date}` !== group) {
      group = `${presentation}|${date}`;
      seen = new Map();
    }
    const key = `${student}|${site}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const accountId = enrolmentId(presentation!, student!);
    batch.push({
      id: `oulad-${accountId}-${site}-${date}-${n}`, accountId, contactId: studentContactId(accountId), type,
      occurredAt: cohortStart(presentation!) + date * DAY_MS, count: clicks,
    });
    if (batch.length >= EVENT_BATCH) await flush();
    if (performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      const rate = read / ((performance.now() - eventsStarted) / 1000);
      say(`  events: ${(share * 100).toFixed(0)}% of the file, ${read.toLocaleString('en')} rows (${Math.round(rate).toLocaleString('en')} rows/s), ${accepted.toLocaleString('en')} new`);
    }
  }
  await flush();
  accepted += await importMilestones(db, file, accounts, registration);
  say(`Events: ${read.toLocaleString('en')} rows, ${accepted.toLocaleString('en')} new, ${duplicates.toLocaleString('en')} already there${bad ? `, ${bad} unreadable rows skipped` : ''} in ${((performance.now() - eventsStarted) / 1000).toFixed(0)} s`);
  await finishImportRun(db, runPk, { status: 'done', writtenRows: accepted, skipped: [], skippedRows: bad, message: `${read} rows read, ${accepted} events new, ${duplicates} already imported` });
  await db.run('UPDATE import_runs SET total_rows = ? WHERE pk = ?', [read, runPk]);

  // The OULAD trigger model, published once (a re-run finds it live and keeps it).
  const model = modelSchema.parse(OULAD_MODEL);
  const live = await getLiveModel(db);
  const modelLive = !!live && JSON.stringify(live.model) === JSON.stringify(model);
  if (modelLive) {
    say(`Model: the OULAD model is live already (version ${live!.version})`);
    if (!newAccounts && !newOutcomes && !accepted) {
      say('Nothing new: the scores stay as they are (npm run rescore recomputes them).');
      return;
    }
  } else {
    const published = await publishModel(db, { model, author: 'import:oulad', note: 'OULAD trigger model: VLE clicks on study material, participation and the home page over 28 days (docs/oulad.md)' }, { rescore: false });
    say(`Model: published the OULAD model as version ${published.version}`);
  }

  // Scores: current ones (as of today) and the daily history over the data, not to today.
  const span = (await db.get<{ first: number; last: number }>('SELECT min(first_at) AS first, max(last_at) AS last FROM account_activity'))!;
  const fromDay = Math.floor(span.first / DAY_MS);
  const toDay = Math.min(Math.floor(Date.now() / DAY_MS), Math.floor(span.last / DAY_MS) + model.windowDays + 1);
  let shown = '';
  const scored = await rescoreEverything(db, {
    fromDay, toDay,
    onProgress: (phase, done, total) => {
      const step = `${phase} ${Math.floor((done / total) * 10) * 10}%`;
      if (step !== shown) say(`  ${(shown = step)} (${done}/${total} accounts)`);
    },
  });
  say(`Scores: ${scored.current.accounts} accounts scored as of today; daily history from ${new Date(fromDay * DAY_MS).toISOString().slice(0, 10)} to ${new Date(toDay * DAY_MS).toISOString().slice(0, 10)}: ${scored.history?.snapshots.toLocaleString('en')} snapshots`);
  say(`Done in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}

