/**
 * Every public route of API.md, described once: the OpenAPI document (/api/v1/openapi.json) and
 * the API page for admins are both built from this list.
 */
import { CATALOGUE_LIMITS } from '@/lib/catalogue-schemas';
import { INGEST_LIMITS } from '@/lib/ingest/limits';
import { MAX_TASKS_PAGE } from '@/lib/server/queries/tasks';
import { MAX_ASSIGNMENTS_PAGE } from '@/lib/experiments/definition';

export type Scope = 'ingest' | 'read' | 'admin' | 'none';
export type Auth = 'bearer' | 'basic' | 'none';

export interface QueryParam {
  name: string;
  description: string;
  schema: Record<string, unknown>;
  required?: boolean;
}

export interface RouteDoc {
  id: string;
  method: 'get' | 'post' | 'put' | 'patch';
  path: string;
  scope: Scope;
  auth: Auth;
  summary: string;
  description: string;
  group: 'Ingest' | 'Read' | 'Model' | 'Catalogue' | 'Experiments' | 'Segment' | 'Service';
  query?: QueryParam[];
  /** component name of the request body schema, and an example body */
  body?: { schema: string; example?: unknown; description: string };
  /** component name of the 200 answer's schema (201 when `created`) */
  response: string;
  /** the answer is 201 Created */
  created?: boolean;
  /** component name of a 202 answer's schema (accepted, finished in the background) */
  accepted?: string;
  /** what the `{id}` of the path names (default: the account id) */
  idDescription?: string;
  /** an `{id}` for examples (default: acme) */
  idExample?: string;
  /** error statuses this route can answer besides 401/403/429 for authenticated routes */
  errors: number[];
}

const iso = (daysAgo: number) => new Date(Date.UTC(2026, 2, 1) - daysAgo * 86_400_000).toISOString();
const list = (description: string): QueryParam['schema'] => ({ type: 'string', description });

const catalogueLimit = `at most ${CATALOGUE_LIMITS.maxItems.toLocaleString('en')} items (${CATALOGUE_LIMITS.maxBytes / 1024 / 1024} MiB)`;
const atomic = 'Atomic: one refused item and nothing is written; the answer lists every refused item with its index and field (a key repeated in the batch is refused too). Items that change nothing write nothing, so sending the same batch again is harmless. Each change is audited (actor `apikey:<name>`), as on the Triggers page.';

/** The CSM's tasks (from playbooks or added by hand), for task tools and automations. */
function taskRoutes(): RouteDoc[] {
  return [
    {
      id: 'listTasks', method: 'get', path: '/api/v1/tasks', scope: 'read', auth: 'bearer', group: 'Read',
      summary: 'List tasks',
      description: 'Tasks by due date (done ones: the most recently done first), paged with a cursor (pass `nextCursor` back as `cursor`). A snoozed task whose snooze has ended is listed as `open`. `playbook` is the key of the playbook that created the task (null: added by hand), `reason` why it was created. Unknown query parameters are refused (400, each named).',
      query: [
        { name: 'owner', description: 'the email of the CSM the task is given to', schema: { type: 'string', maxLength: 320 } },
        { name: 'accountId', description: 'the account id', schema: { type: 'string', maxLength: 200 } },
        { name: 'state', description: 'open (the default: open, or snoozed until a time that has passed), snoozed (still snoozed) or done', schema: { type: 'string', enum: ['open', 'snoozed', 'done'] } },
        { name: 'limit', description: `page size, 1 to ${MAX_TASKS_PAGE} (default 50)`, schema: { type: 'integer', minimum: 1, maximum: MAX_TASKS_PAGE } },
        { name: 'cursor', description: 'the nextCursor of the previous page', schema: { type: 'string' } },
      ],
      response: 'TaskList', errors: [400],
    },
    {
      id: 'updateTask', method: 'patch', path: '/api/v1/tasks/{id}', scope: 'ingest', auth: 'bearer', group: 'Ingest',
      summary: 'Mark a task done, snooze it, reopen it or add a note',
      description: '`{ "state": "done" }` closes the task; `{ "state": "snoozed", "snoozeUntil": "…" }` hides it until then (default: a day; at most 90 days ahead); `{ "state": "open" }` reopens it; `note` adds a note, alone or with a state. Answers the task as it now is. Each change is audited (actor `api key <name>`). Unknown fields are refused (400, each named); an id that names no task is a 404.',
      idDescription: 'the task id (a number, as the tasks list answers it)',
      idExample: '42',
      body: { schema: 'TaskChange', description: 'the change', example: { state: 'done', note: 'Renewal call held; signed for two years' } },
      response: 'Task', errors: [400, 404, 413],
    },
  ];
}

/** Experiments: A/B tests of the engagement programme, defined, read, stopped and reported on. */
function experimentRoutes(): RouteDoc[] {
  const idDescription = 'the experiment id (a number) or its key';
  return [
    {
      id: 'createExperiment', method: 'post', path: '/api/v1/experiments', scope: 'admin', auth: 'bearer', group: 'Experiments', created: true,
      summary: 'Define an experiment',
      description: 'Draws the population now (customers matching every filter given: `tier`, `band`, `owner`, `accountIds`) and assigns every account to one arm at random, stratified by `stratifyBy` (default tier and band: within each stratum, permuted blocks by the arms\' weights) and reproducible from `seed` (default: drawn and kept); each assignment is recorded once and never drawn again. The first arm is the baseline. While the experiment runs (`startAt` ≤ now < `endAt`), each arm\'s accounts follow its programme: `cadence` sets a cadence item\'s interval (`everyDays`, null: none) and `playbooks` switches playbooks `on` or `off` (`"all"`: none, e.g. a holdout). `lateJoiners`: accounts joining the population later are assigned on their next rescore or sweep (`assign`, the default) or left out (`exclude`). Refused with 409 when the key is taken, or when the population overlaps an experiment running at the same time that changes the same cadence item or playbook (the answer names it). Unknown fields are refused (400, each named). Audited.',
      body: {
        schema: 'ExperimentDefinition',
        description: 'the definition',
        example: {
          key: 'weekly-calls', name: 'Weekly vs monthly calls for growth accounts', hypothesis: 'Weekly calls halve churn of growth accounts',
          population: { tier: ['growth'] },
          arms: [
            { key: 'monthly', label: 'Monthly calls', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 30 }] },
            { key: 'weekly', label: 'Weekly calls', weight: 1, cadence: [{ item: 'touchpoint', everyDays: 7 }] },
          ],
          startAt: '2026-03-01T00:00:00Z', endAt: '2026-06-01T00:00:00Z',
        },
      },
      response: 'ExperimentCreated', errors: [400, 409, 413],
    },
    {
      id: 'listExperiments', method: 'get', path: '/api/v1/experiments', scope: 'read', auth: 'bearer', group: 'Experiments',
      summary: 'List experiments',
      description: 'Every experiment with its definition, its state (`planned`, `running`, `finished`) and its accounts per arm: running first, then planned, then finished.',
      response: 'ExperimentList', errors: [],
    },
    {
      id: 'getExperiment', method: 'get', path: '/api/v1/experiments/{id}', scope: 'read', auth: 'bearer', group: 'Experiments',
      summary: 'One experiment',
      description: 'The definition, its state, its accounts per arm and per stratum and arm, and how many joined after it was defined.',
      idDescription, idExample: 'weekly-calls',
      response: 'ExperimentDetail', errors: [404],
    },
    {
      id: 'listExperimentAssignments', method: 'get', path: '/api/v1/experiments/{id}/assignments', scope: 'read', auth: 'bearer', group: 'Experiments',
      summary: 'The accounts of an experiment and their arms',
      description: 'In account order, paged with a cursor (pass `nextCursor` back as `cursor`).',
      idDescription, idExample: 'weekly-calls',
      query: [
        { name: 'arm', description: 'only this arm', schema: { type: 'string', maxLength: 40 } },
        { name: 'limit', description: `page size, 1 to ${MAX_ASSIGNMENTS_PAGE} (default 100)`, schema: { type: 'integer', minimum: 1, maximum: MAX_ASSIGNMENTS_PAGE } },
        { name: 'cursor', description: 'the nextCursor of the previous page', schema: { type: 'string' } },
      ],
      response: 'AssignmentList', errors: [400, 404],
    },
    {
      id: 'getExperimentReport', method: 'get', path: '/api/v1/experiments/{id}/report', scope: 'read', auth: 'bearer', group: 'Experiments',
      summary: 'What the experiment shows so far',
      description: 'Per arm: accounts and `metrics`, each `{ value, n }`: `scoreChange` (mean change of the score from the start to `asOf`, from the daily history; n: accounts with a score at both ends), `churnRate` and `expansionRate` (share of the arm\'s accounts with such an outcome in the period), `nps` (% promoters − % detractors of the `nps.response` answers in the period; n: answers), `csmMinutes` (mean of the minutes logged on touchpoints per account); and `pointsPerHour` (score points gained per CSM hour). `comparisons`: each arm against the first (the baseline) on each metric: `difference` (arm − baseline), a 95% interval `ci`, `pValue` and `significant` (false while the interval holds 0); `method` is `welch-t` for means, `two-proportion-z-wald` for rates (unpooled standard error, the Wald interval), `welch-t-on-nps-points` for NPS. `series`: each arm\'s mean score by day since the start (weekly past 200 days). An account that joined later counts from when it joined.',
      idDescription, idExample: 'weekly-calls',
      query: [{ name: 'asOf', description: 'an ISO 8601 instant between the start and now (default: now, or the end of a finished experiment; later than the end reads as the end)', schema: { type: 'string', format: 'date-time' } }],
      response: 'ExperimentReport', errors: [400, 404],
    },
    {
      id: 'stopExperiment', method: 'post', path: '/api/v1/experiments/{id}/stop', scope: 'admin', auth: 'bearer', group: 'Experiments',
      summary: 'End an experiment now',
      description: 'Its accounts go back to the programme everyone has; the assignments and the report stay. A planned experiment ends before it starts. 409 when it has finished already. The body is an object, `{}` or with a `reason`; unknown fields are refused. Audited, with the reason.',
      idDescription, idExample: 'weekly-calls',
      body: { schema: 'ExperimentStop', description: 'why (optional)', example: { reason: 'The pilot budget ran out' } },
      response: 'ExperimentSummary', errors: [400, 404, 409, 413],
    },
  ];
}

/** The trigger and feature catalogues and the event-name mappings: what the Triggers page edits. */
function catalogueRoutes(): RouteDoc[] {
  return [
    {
      id: 'listTriggers', method: 'get', path: '/api/v1/triggers', scope: 'read', auth: 'bearer', group: 'Catalogue',
      summary: 'The trigger catalogue',
      description: 'Every trigger (the event types events may have), retired ones last. What it answers can be sent back to `POST /api/v1/triggers` as it is.',
      response: 'TriggerList', errors: [],
    },
    {
      id: 'postTriggers', method: 'post', path: '/api/v1/triggers', scope: 'admin', auth: 'bearer', group: 'Catalogue',
      summary: 'Create or update triggers',
      description: `An array of ${catalogueLimit} triggers, upserted by \`key\` (a key never changes; labels and descriptions do; \`description\` left out keeps it). \`retired: true\` retires a trigger: its events, aggregates and scores are kept, and models may still read it, but new events of that type are refused; \`retired: false\` brings it back; left out, it stays as it is. A key that is an incoming event name mapped to a trigger is refused. ${atomic}`,
      body: { schema: 'TriggerBatch', description: 'triggers', example: [{ key: 'webinar.attended', label: 'Webinar attended', description: 'A customer attended one of our webinars' }, { key: 'qbr.no_show', label: 'QBR no-show', retired: true }] },
      response: 'Upserted', errors: [400, 413],
    },
    {
      id: 'listFeatures', method: 'get', path: '/api/v1/features', scope: 'read', auth: 'bearer', group: 'Catalogue',
      summary: 'The feature catalogue',
      description: 'Every product feature the adoption measure weighs (core 2, advanced 1.5, basic 1), retired ones last.',
      response: 'FeatureList', errors: [],
    },
    {
      id: 'postFeatures', method: 'post', path: '/api/v1/features', scope: 'admin', auth: 'bearer', group: 'Catalogue',
      summary: 'Create or update features',
      description: `An array of ${catalogueLimit} features, upserted by \`key\` (the value \`feature.used\` events send in their \`feature\` property). \`retired\` retires or brings back a feature (a retired feature stops counting towards adoption). Adding, re-tiering, retiring or restoring a feature changes adoption scores: every score and the daily history are then recomputed in the background (\`job.id\`, poll \`GET /api/v1/jobs/{id}\`); \`job\` is null when nothing that scores changed. ${atomic}`,
      body: { schema: 'FeatureBatch', description: 'features', example: [{ key: 'reports', label: 'Reports', tier: 'core' }, { key: 'api', label: 'API access', tier: 'advanced' }] },
      response: 'UpsertedFeatures', errors: [400, 413],
    },
    {
      id: 'listTriggerAliases', method: 'get', path: '/api/v1/trigger-aliases', scope: 'read', auth: 'bearer', group: 'Catalogue',
      summary: 'Event names mapped to triggers',
      description: 'Incoming event names (e.g. Segment `track` names such as "Meeting Completed") and the trigger key each is recorded as.',
      response: 'TriggerAliasList', errors: [],
    },
    {
      id: 'postTriggerAliases', method: 'post', path: '/api/v1/trigger-aliases', scope: 'admin', auth: 'bearer', group: 'Catalogue',
      summary: 'Map event names to triggers',
      description: `An array of ${catalogueLimit} mappings, upserted by \`name\` (a name mapped before is re-mapped). From then on, events (\`POST /api/v1/events\`, Segment \`track\`, CSV) whose type is that name are recorded as the trigger, which must exist and not be retired; a name that is a trigger key itself is refused. ${atomic}`,
      body: { schema: 'TriggerAliasBatch', description: 'mappings', example: [{ name: 'Meeting Completed', trigger: 'meeting.held' }, { name: 'Ticket Opened', trigger: 'support.interaction' }] },
      response: 'Upserted', errors: [400, 413],
    },
  ];
}

export const API_ROUTES: RouteDoc[] = [
  {
    id: 'postAccounts', method: 'post', path: '/api/v1/accounts', scope: 'ingest', auth: 'bearer', group: 'Ingest',
    summary: 'Create or update accounts',
    description: `An array of at most ${INGEST_LIMITS.accounts.maxItems.toLocaleString('en')} accounts, upserted by \`id\`; fields left out keep their value. The batch is atomic: one invalid item and nothing is written, and the answer lists every bad item.`,
    body: { schema: 'AccountBatch', description: 'accounts', example: [{ id: 'acme', name: 'Acme Inc', tier: 'growth', arr: 48000, ownerEmail: 'csm@example.com', startedAt: '2025-06-01', renewalDate: '2026-06-01' }] },
    response: 'Upserted', errors: [400, 413],
  },
  {
    id: 'postContacts', method: 'post', path: '/api/v1/contacts', scope: 'ingest', auth: 'bearer', group: 'Ingest',
    summary: 'Create or update contacts (stakeholders)',
    description: `An array of at most ${INGEST_LIMITS.contacts.maxItems.toLocaleString('en')} contacts, upserted by \`id\`; each belongs to an existing account. Atomic like every batch.`,
    body: { schema: 'ContactBatch', description: 'contacts', example: [{ id: 'ada', accountId: 'acme', name: 'Ada Lovelace', email: 'ada@acme.test', role: 'champion', department: 'Operations' }] },
    response: 'Upserted', errors: [400, 413],
  },
  {
    id: 'postEvents', method: 'post', path: '/api/v1/events', scope: 'ingest', auth: 'bearer', group: 'Ingest',
    summary: 'Record events (engagement triggers)',
    description: `An array of at most ${INGEST_LIMITS.events.maxItems.toLocaleString('en')} events. The type is a trigger key or an event name an admin mapped to one. Re-sending an event with the same \`id\` never counts it twice (it is answered as a duplicate). Unknown accounts are errors unless \`?createAccounts=true\`. The answer comes once the events are stored; the touched accounts' scores, bands, velocity and flags follow within about a second.`,
    query: [{ name: 'createAccounts', description: 'create accounts that do not exist yet, named by their id', schema: { type: 'string', enum: ['true', 'false'] } }],
    body: { schema: 'EventBatch', description: 'events', example: [{ id: 'evt-1001', accountId: 'acme', contactId: 'ada', type: 'meeting.held', occurredAt: iso(2), properties: { onTime: true, executiveAttended: false } }, { accountId: 'acme', type: 'product.login', occurredAt: iso(1), count: 37 }] },
    response: 'Accepted', errors: [400, 413],
  },
  {
    id: 'postOutcomes', method: 'post', path: '/api/v1/outcomes', scope: 'ingest', auth: 'bearer', group: 'Ingest',
    summary: 'Record outcomes (renewals, churn, expansion)',
    description: `An array of at most ${INGEST_LIMITS.outcomes.maxItems.toLocaleString('en')} outcomes; an optional \`id\` makes re-sending safe. Outcomes are what the score is validated against; a churned account leaves the default lists.`,
    body: { schema: 'OutcomeBatch', description: 'outcomes', example: [{ id: 'renewal-2026', accountId: 'acme', type: 'renewed', occurredAt: iso(0), arrDelta: 6000 }] },
    response: 'AcceptedOutcomes', errors: [400, 413],
  },
  {
    id: 'listAccounts', method: 'get', path: '/api/v1/accounts', scope: 'read', auth: 'bearer', group: 'Read',
    summary: 'List accounts with their scores',
    description: 'Filtered, sorted and paged with a cursor (pass `nextCursor` back as `cursor`). Lists take comma-separated values. With `asOf` (a past day) scores, bands and score changes come from the daily history at the end of that UTC day, accounts churned by then or not started yet are left out, and `velocity`, `flags` and `belowTarget` (not kept in the history) are null, empty and false; the `flag` and `belowTarget` filters then match nothing.',
    query: [
      { name: 'band', description: 'bands, e.g. red,orange', schema: list('comma-separated band keys') },
      { name: 'tier', description: 'tiers', schema: list('comma-separated tiers') },
      { name: 'owner', description: 'owner emails', schema: list('comma-separated emails') },
      { name: 'stage', description: 'lifecycle stages', schema: list('comma-separated stages') },
      { name: 'flag', description: 'early-warning flag keys', schema: list('comma-separated flag keys') },
      { name: 'q', description: 'case-insensitive part of the name or id', schema: { type: 'string', maxLength: 200 } },
      { name: 'belowTarget', description: 'only accounts below their tier target', schema: { type: 'string', enum: ['true', 'false'] } },
      { name: 'overdue', description: 'only accounts with at least one overdue touchpoint of their tier’s cadence', schema: { type: 'string', enum: ['true', 'false'] } },
      { name: 'includeChurned', description: 'include churned accounts', schema: { type: 'string', enum: ['true', 'false'] } },
      { name: 'sort', description: 'score, -score, velocity, -velocity, arr, -arr, name, -name, scoreChange, -scoreChange, overdue (the longest overdue touchpoint first), risk, -risk (churn risk), arrAtRisk, -arrAtRisk (churn risk x ARR); accounts without a churn risk sort last', schema: { type: 'string' } },
      { name: 'asOf', description: 'a past day, e.g. 2026-03-01: the list as of the end of that UTC day (today: the current scores)', schema: { type: 'string', format: 'date' } },
      { name: 'limit', description: 'page size, 1 to 500', schema: { type: 'integer', minimum: 1, maximum: 500 } },
      { name: 'cursor', description: 'the nextCursor of the previous page', schema: { type: 'string' } },
    ],
    response: 'AccountList', errors: [400],
  },
  {
    id: 'getAccount', method: 'get', path: '/api/v1/accounts/{id}', scope: 'read', auth: 'bearer', group: 'Read',
    summary: 'One account with its explained score',
    description: 'The account, its score with the breakdown per dimension and measure (inputs, points, max), flags with evidence, velocity and stakeholders; `churnRisk`, the calibrated probability of churning within the churn-risk horizon with the reasons behind it (null until enough outcomes exist to fit it); `cadence`, the touchpoints its tier calls for (when each was last done, when it is due, whether it is overdue); and `tasks`, its open tasks (as `GET /api/v1/tasks` lists them). `asOf` scores it as of an earlier instant.',
    query: [{ name: 'asOf', description: 'an ISO 8601 instant', schema: { type: 'string', format: 'date-time' } }],
    response: 'AccountDetail', errors: [400, 404],
  },
  {
    id: 'getAccountHistory', method: 'get', path: '/api/v1/accounts/{id}/history', scope: 'read', auth: 'bearer', group: 'Read',
    summary: 'Daily score history of an account',
    description: 'One entry per day between `from` and `to` (default: the last 365 days).',
    query: [
      { name: 'from', description: 'first day, e.g. 2026-01-01', schema: { type: 'string' } },
      { name: 'to', description: 'last day', schema: { type: 'string' } },
    ],
    response: 'History', errors: [400, 404],
  },
  {
    id: 'getCohorts', method: 'get', path: '/api/v1/cohorts', scope: 'read', auth: 'bearer', group: 'Read',
    summary: 'Validation of the score against outcomes',
    description: 'Retention, renewal and expansion by group of accounts active at `asOf`, with AUC, lift and correlation of the score against churn within `horizonDays`.',
    query: [
      { name: 'asOf', description: 'an ISO 8601 instant', schema: { type: 'string' } },
      { name: 'horizonDays', description: 'how far after asOf outcomes count', schema: { type: 'integer', minimum: 1 } },
      { name: 'groupBy', description: 'quartile, band, tier or startMonth', schema: { type: 'string', enum: ['quartile', 'band', 'tier', 'startMonth'] } },
    ],
    response: 'Cohorts', errors: [400],
  },
  {
    id: 'getMetricCohort', method: 'get', path: '/api/v1/cohorts/metric', scope: 'read', auth: 'bearer', group: 'Read',
    summary: 'Churn by decile of one signal',
    description: 'The accounts active at `asOf` split into deciles of one signal as of then (a measure of the live model: its points; or a trigger: its count in the model\'s window before `asOf`), with the churn rate within `horizonDays` of each decile (tied values are never split) and the AUC of the value alone. Give `measure` or `trigger` (default: the model\'s first measure).',
    query: [
      { name: 'measure', description: '<dimension key>/<measure key> of the live model, e.g. frequency/meetings', schema: { type: 'string' } },
      { name: 'trigger', description: 'a trigger key, e.g. product.login', schema: { type: 'string' } },
      { name: 'asOf', description: 'a date, e.g. 2026-01-01 (default: as on the Cohorts page)', schema: { type: 'string' } },
      { name: 'horizonDays', description: 'how far after asOf churn counts', schema: { type: 'integer', minimum: 1 } },
    ],
    response: 'MetricCohort', errors: [400],
  },
  {
    id: 'getModel', method: 'get', path: '/api/v1/model', scope: 'read', auth: 'bearer', group: 'Model',
    summary: 'The live scoring model',
    description: 'The model JSON of SCORING.md with its version, author and note.',
    response: 'ModelVersion', errors: [],
  },
  {
    id: 'putModel', method: 'put', path: '/api/v1/model', scope: 'admin', auth: 'bearer', group: 'Model',
    summary: 'Publish a new model version',
    description: 'A model JSON, or `{ model, note }`. Validated (400 with every reason, each naming its path; the model\'s size and numbers have limits, see the Model schema), refused when a measure reads a trigger key that is not in the catalogue (each such key named by its path, e.g. `dimensions[1].measures[0].event[2]`; retired triggers are known, and an event name mapped to a trigger is not a trigger key), published as a new version, and answered as soon as the version is stored: `202` with `job.id` while every current score and the daily history are recomputed with it in the background (poll `GET /api/v1/jobs/{id}`; until the job is done, accounts it has not reached keep the previous version\'s scores), or `200` when there was nothing to recompute. Publishing again while a job runs stops that job: the newer version is applied instead.',
    body: { schema: 'ModelOrWrapped', description: 'a model JSON (start from GET /api/v1/model), or { model, note }' },
    response: 'PublishedModel', accepted: 'PublishedModel', errors: [400, 413],
  },
  {
    id: 'getJob', method: 'get', path: '/api/v1/jobs/{id}', scope: 'read', auth: 'bearer', group: 'Read',
    summary: 'A background job\'s state and progress',
    description: 'A model publish (the `job.id` that `PUT /api/v1/model` answers) or an import (ids `import-N`): `state` is `queued` (a publish recorded, its first step not done yet: e.g. waiting for a worker), `running`, `done` or `failed` (with `error` saying why), `progress` a fraction from 0 to 1. A publish interrupted by a server restart resumes where it stopped; one superseded by a newer publish is failed, naming the newer version.',
    idDescription: 'the job id',
    response: 'Job', errors: [404],
  },
  ...catalogueRoutes(),
  ...taskRoutes(),
  ...experimentRoutes(),
  {
    id: 'previewModel', method: 'post', path: '/api/v1/model/preview', scope: 'admin', auth: 'bearer', group: 'Model',
    summary: 'Preview a draft model',
    description: 'Scores every account with a draft without publishing it: the distribution of scores, the accounts that change band, and validation metrics of the draft and the live model. A draft is refused as `PUT /api/v1/model` refuses a model (400, every problem with its path, unknown trigger keys included).',
    body: { schema: 'ModelPreviewRequest', description: 'a draft model JSON (start from GET /api/v1/model), or { model, asOf, horizonDays }' },
    response: 'ModelPreview', errors: [400, 413],
  },
  {
    id: 'suggestModel', method: 'post', path: '/api/v1/model/suggest', scope: 'admin', auth: 'bearer', group: 'Model',
    summary: 'Suggest a complete model fitted on outcomes',
    description: 'Fits measures (event counts, active days and how recent the last event was, per trigger), their points and caps, and dimension weights on the outcomes of a training period (a ridge-penalised logistic regression, turned into points; triggers that move together share a dimension), then judges it on a later test period it never saw, beside the live model on the same dates: AUC, lift (bottom vs top quartile) and top-decile lift. Never published: load `model` as a draft or send it to `PUT /api/v1/model`. 400 with the field and reason when the periods overlap the horizon, the test outcomes are not known yet, or there are too few outcomes.',
    body: { schema: 'ModelSuggestRequest', description: 'the outcome, horizon and periods', example: { outcome: 'churned', horizonDays: 90, trainFrom: '2025-01-06', trainTo: '2025-06-30', testFrom: '2025-09-29', testTo: '2026-03-30', everyDays: 14 } },
    response: 'SuggestedModel', errors: [400, 413],
  },
  ...(['batch', 'track', 'identify', 'group'] as const).map((call): RouteDoc => ({
    id: `segment${call[0]!.toUpperCase()}${call.slice(1)}`, method: 'post', path: `/api/segment/v1/${call}`, scope: 'ingest', auth: 'basic', group: 'Segment',
    summary: call === 'batch' ? 'Segment batch (what Segment libraries send)' : `Segment ${call} call`,
    description: {
      batch: `\`{ "batch": [calls] }\` with at most ${INGEST_LIMITS.segment.maxItems.toLocaleString('en')} identify, group, track (and page, screen, alias, which are skipped) calls. Point a Segment library at Trellis with \`host\` set to this server and \`path\` to \`/api/segment/v1/batch\`, and an ingest key as the write key.`,
      track: 'Becomes an event: its account is `context.groupId`, else `properties.accountId`, else the user\'s last group; its type is the event name or the trigger an admin mapped it to (names that are neither are skipped and listed under Triggers); `messageId` is its idempotency key.',
      identify: 'Upserts the user as a contact (traits: name or firstName and lastName, email, role, department) of the account in `context.groupId`, else the user\'s last group.',
      group: 'Upserts the account `groupId` (traits: name, tier, arr, industry, employees or size, ownerEmail, lifecycleStage, createdAt or startedAt, renewalDate; other simple traits become attributes) and links the user to it.',
    }[call],
    query: [{ name: 'createAccounts', description: 'create accounts named by calls that do not exist yet', schema: { type: 'string', enum: ['true', 'false'] } }],
    body: {
      schema: call === 'batch' ? 'SegmentBatch' : 'SegmentCall',
      description: call === 'batch' ? 'Segment calls' : `a ${call} call`,
      example: {
        batch: { batch: [{ type: 'group', userId: 'u-42', groupId: 'acme', traits: { name: 'Acme Inc', tier: 'growth', arr: 48000 } }, { type: 'track', userId: 'u-42', event: 'Meeting Completed', messageId: 'msg-7', timestamp: iso(1) }] },
        track: { userId: 'u-42', event: 'Meeting Completed', properties: { onTime: true }, context: { groupId: 'acme' }, messageId: 'msg-8', timestamp: iso(1) },
        identify: { userId: 'u-42', traits: { name: 'Ada Lovelace', email: 'ada@acme.test', role: 'champion', department: 'Operations' } },
        group: { userId: 'u-42', groupId: 'acme', traits: { name: 'Acme Inc', tier: 'growth', arr: 48000, industry: 'Software' } },
      }[call],
    },
    response: 'SegmentResult', errors: [400, 404, 413],
  })),
  {
    id: 'getOpenApi', method: 'get', path: '/api/v1/openapi.json', scope: 'none', auth: 'none', group: 'Service',
    summary: 'This OpenAPI 3.1 document', description: 'No key needed.', response: 'OpenApiDocument', errors: [],
  },
  {
    id: 'getHealth', method: 'get', path: '/api/health', scope: 'none', auth: 'none', group: 'Service',
    summary: 'Health check', description: '`{ ok: true }` once the database answers; 503 otherwise. No key needed.', response: 'Health', errors: [503],
  },
];
