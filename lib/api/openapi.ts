/**
 * The OpenAPI 3.1 document of the public API, built from the route list and, for request bodies,
 * from the very zod schemas that validate them (so the document cannot drift from the checks).
 */
import { z } from 'zod';
import { accountSchema, contactSchema, eventSchema, outcomeSchema } from '@/lib/ingest/schemas';
import { CATALOGUE_LIMITS, featureItemSchema, triggerAliasItemSchema, triggerItemSchema } from '@/lib/catalogue-schemas';
import { INGEST_LIMITS } from '@/lib/ingest/limits';
import { suggestModelSchema } from '@/lib/model/suggest-request';
import { modelSchema } from '@/lib/scoring/schema';
import { taskChangeSchema } from '@/lib/task-schemas';
import { experimentSchema } from '@/lib/experiments/definition';
import { API_ROUTES, type RouteDoc } from './routes';

type Schema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): Schema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Schema;
  return rest;
}

/** Marks instants and says what the zod refinements (which JSON Schema cannot express) check. */
function describeFields(schema: Schema, notes: Record<string, string>): Schema {
  const properties = { ...(schema.properties as Record<string, Schema>) };
  for (const [field, note] of Object.entries(notes)) {
    const current = properties[field];
    if (current) properties[field] = { ...current, description: note };
  }
  return { ...schema, properties };
}

const INSTANT = 'ISO 8601 date-time with offset (2026-03-01T09:30:00Z) or date (2026-03-01), between 1990 and one year from now';
const ID = 'external id: 1 to 200 characters, no control characters';

const score = { type: ['number', 'null'], description: 'one decimal; null when the account has no data' };
const band = { type: ['string', 'null'], description: 'band key (green, yellow, orange, red) or null' };
const object = (properties: Schema, required: string[] = Object.keys(properties)): Schema => ({ type: 'object', properties, required });

function components(): Record<string, Schema> {
  const batch = (item: string, max: number) => ({ type: 'array', items: { $ref: `#/components/schemas/${item}` }, minItems: 1, maxItems: max });
  return {
    Error: object({
      error: object({
        code: { type: 'string', enum: ['invalid', 'unauthorized', 'forbidden', 'not_found', 'method_not_allowed', 'conflict', 'too_large', 'rate_limited', 'internal'] },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: object({ index: { type: 'integer', description: 'position of the item in the batch' }, path: { type: 'string', description: 'the field' }, message: { type: 'string' } }, ['path', 'message']),
        },
      }, ['code', 'message']),
    }),
    Account: describeFields(jsonSchema(accountSchema), { id: ID, startedAt: INSTANT, renewalDate: INSTANT, ownerEmail: 'the CSM who owns the account' }),
    Contact: describeFields(jsonSchema(contactSchema), { id: ID, accountId: 'an existing account' }),
    Event: describeFields(jsonSchema(eventSchema), {
      id: `${ID}; idempotency key: an id seen before is answered as a duplicate`,
      occurredAt: INSTANT,
      type: 'a trigger key (e.g. meeting.held) or an event name mapped to one',
      count: 'pre-aggregated count, e.g. 37 logins that day',
    }),
    Outcome: describeFields(jsonSchema(outcomeSchema), { id: `${ID}; optional idempotency key`, occurredAt: INSTANT }),
    AccountBatch: batch('Account', INGEST_LIMITS.accounts.maxItems),
    ContactBatch: batch('Contact', INGEST_LIMITS.contacts.maxItems),
    EventBatch: batch('Event', INGEST_LIMITS.events.maxItems),
    OutcomeBatch: batch('Outcome', INGEST_LIMITS.outcomes.maxItems),
    Trigger: describeFields(jsonSchema(triggerItemSchema), {
      key: 'lower-case letters, digits, "_", "-" or "."; never changes once created',
      retired: 'true retires the trigger (its events are kept, new ones refused), false brings it back; left out: as it is',
    }),
    Feature: describeFields(jsonSchema(featureItemSchema), { key: 'the value feature.used events send in their feature property', retired: 'true retires the feature (it stops counting towards adoption), false brings it back' }),
    TriggerAlias: describeFields(jsonSchema(triggerAliasItemSchema), { name: 'the incoming event name, as the source spells it', trigger: 'the key of an existing, not retired trigger' }),
    TriggerBatch: batch('Trigger', CATALOGUE_LIMITS.maxItems),
    FeatureBatch: batch('Feature', CATALOGUE_LIMITS.maxItems),
    TriggerAliasBatch: batch('TriggerAlias', CATALOGUE_LIMITS.maxItems),
    TriggerList: object({ data: { type: 'array', items: object({ key: { type: 'string' }, label: { type: 'string' }, description: { type: ['string', 'null'] }, retired: { type: 'boolean' } }) } }),
    FeatureList: object({ data: { type: 'array', items: object({ key: { type: 'string' }, label: { type: 'string' }, tier: { type: 'string', enum: ['core', 'advanced', 'basic'] }, retired: { type: 'boolean' } }) } }),
    TriggerAliasList: object({ data: { type: 'array', items: object({ name: { type: 'string' }, trigger: { type: 'string' } }) } }),
    UpsertedFeatures: object({
      upserted: { type: 'integer' },
      job: { type: ['object', 'null'], properties: { id: { type: 'string', description: 'poll GET /api/v1/jobs/{id}' } }, required: ['id'], description: 'the recompute of every score the change started; null when nothing that scores changed' },
    }),
    Model: { ...jsonSchema(modelSchema), description: 'The scoring model (SCORING.md §2); dimension weights sum to 100' },
    ModelOrWrapped: { oneOf: [{ $ref: '#/components/schemas/Model' }, object({ model: { $ref: '#/components/schemas/Model' }, note: { type: ['string', 'null'] } }, ['model'])] },
    Upserted: object({ upserted: { type: 'integer' } }),
    Accepted: object({ accepted: { type: 'integer' }, duplicates: { type: 'integer', description: 'events whose id was already recorded' } }),
    AcceptedOutcomes: object({ accepted: { type: 'integer' }, duplicates: { type: 'integer' } }),
    AccountSummary: object({
      id: { type: 'string' }, name: { type: 'string' }, tier: { type: ['string', 'null'] }, arr: { type: 'number' }, owner: { type: ['string', 'null'] },
      score, band, state: { type: 'string', enum: ['scored', 'no_data'] }, partial: { type: 'boolean' },
      velocity: { type: ['number', 'null'], description: 'fraction: -0.333 is -33.3%; null without previous activity' },
      scoreChange: { type: ['number', 'null'] },
      dimensions: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
      flags: { type: 'array', items: object({ key: { type: 'string' }, severity: { type: 'string', enum: ['red', 'yellow'] } }) },
      churnRisk: { type: ['number', 'null'], minimum: 0, maximum: 1, description: 'the probability of churning within the churn-risk horizon (null: no risk model fitted for the live version, no score, or a list as of an earlier day)' },
    }, ['id', 'name', 'score', 'band', 'state']),
    AccountList: object({
      asOf: { type: ['string', 'null'], format: 'date', description: 'the day the scores stand at when `asOf` was given (from the daily history), null for the current scores' },
      data: { type: 'array', items: { $ref: '#/components/schemas/AccountSummary' } }, nextCursor: { type: ['string', 'null'] },
    }),
    AccountDetail: {
      type: 'object',
      description: 'The account with its score explained: dimensions with measures (inputs, points, max, text), flags with evidence, touchpoints, velocity, stakeholders',
      properties: {
        id: { type: 'string' }, name: { type: 'string' }, score, band: { type: ['object', 'null'] }, state: { type: 'string' },
        dimensions: { type: 'array', items: { type: 'object' } }, flags: { type: 'array', items: { type: 'object' } },
        velocity: { type: ['number', 'null'] }, stakeholders: { type: 'array', items: { type: 'object' } },
        churnRisk: { oneOf: [{ $ref: '#/components/schemas/ChurnRisk' }, { type: 'null' }], description: 'null until enough outcomes exist to fit the churn risk for the live model version' },
        cadence: { type: 'array', description: 'the touchpoints the account\'s tier calls for, in the cadence\'s order (under its experiment arm\'s programme while one runs)', items: { $ref: '#/components/schemas/CadenceItem' } },
        experiments: { type: 'array', description: 'the experiments the account is in, newest first', items: object({ id: { type: 'integer' }, key: { type: 'string' }, name: { type: 'string' }, state: { type: 'string', enum: ['planned', 'running', 'finished'] }, arm: { type: 'string' }, armLabel: { type: 'string' } }) },
        tasks: { type: 'array', description: 'the account\'s open tasks, by due date', items: { $ref: '#/components/schemas/Task' } },
      },
      required: ['id', 'name', 'state'],
    },
    ChurnRisk: object({
      probability: { type: 'number', minimum: 0, maximum: 1, description: 'calibrated probability of churning within horizonDays' },
      horizonDays: { type: 'integer' },
      model: object({
        id: { type: 'integer' }, modelVersion: { type: 'integer', description: 'the scoring model version it was fitted for' }, fittedAt: { type: 'string', format: 'date-time' },
        accounts: { type: 'integer' }, samples: { type: 'integer', description: '(account, as-of date) pairs it was fitted and judged on' },
        heldOutAuc: { type: ['number', 'null'], description: 'AUC on later dates the fit never saw' }, heldOutBrier: { type: ['number', 'null'] },
        calibration: { type: 'string', enum: ['none', 'platt'] },
      }),
      reasons: {
        type: 'array', description: 'extension: the features that move this account\'s risk most against a typical account, strongest first',
        items: object({
          key: { type: 'string' }, label: { type: 'string' }, value: { type: 'number' }, typical: { type: 'number' },
          effect: { type: 'number', description: 'log-odds of churn added against a typical account' }, direction: { type: 'string', enum: ['raises', 'lowers'] },
          text: { type: 'string', description: 'e.g. "Engagement 12 (typical 54) raises the risk most"' },
        }),
      },
    }, ['probability', 'horizonDays', 'model']),
    MetricCohort: object({
      asOf: { type: 'string', format: 'date' }, horizonDays: { type: 'integer' }, horizonEnd: { type: 'string', format: 'date' }, complete: { type: 'boolean', description: 'false while the horizon reaches past today' },
      signal: object({ kind: { type: 'string', enum: ['measure', 'trigger'] }, key: { type: 'string' }, label: { type: 'string' }, unit: { type: 'string' } }),
      accounts: { type: 'integer' }, noValue: { type: 'integer', description: 'accounts without a value (a measure without data), left out of the deciles' }, churned: { type: 'integer' },
      distinctValues: { type: 'integer' }, fewValues: { type: 'boolean', description: 'fewer distinct values than deciles: tied values are never split, so some deciles are empty' },
      deciles: { type: 'array', items: object({ decile: { type: 'integer' }, samples: { type: 'integer' }, churned: { type: 'integer' }, from: { type: 'number' }, to: { type: 'number' }, observed: { type: 'number', description: 'churn rate' } }) },
      auc: { type: ['number', 'null'], description: 'P(value of a retained account > value of a churned one), ties half' },
      direction: { type: 'string', enum: ['higher_stays', 'higher_churns', 'unclear'] },
    }, ['asOf', 'horizonDays', 'signal', 'deciles']),
    CadenceItem: object({
      key: { type: 'string', description: 'the cadence item, e.g. touchpoint, business-review, executive-checkin' },
      label: { type: 'string' },
      everyDays: { type: 'integer', description: 'how often the tier calls for it' },
      lastAt: { type: ['string', 'null'], format: 'date-time', description: 'when it was last done (null: never)' },
      dueAt: { type: 'string', format: 'date-time', description: 'when it is next due' },
      overdue: { type: 'boolean', description: 'dueAt has passed' },
    }),
    Task: object({
      id: { type: 'integer' },
      accountId: { type: 'string' },
      accountName: { type: 'string' },
      owner: { type: ['string', 'null'], description: 'the email of the CSM the task is given to' },
      title: { type: 'string' },
      reason: { type: ['string', 'null'], description: 'why it was created, in words' },
      playbook: { type: ['string', 'null'], description: 'the key of the playbook that created it (null: added by hand)' },
      playbookName: { type: ['string', 'null'] },
      dueAt: { type: 'string', format: 'date-time' },
      state: { type: 'string', enum: ['open', 'snoozed', 'done'], description: 'a task snoozed until a time that has passed reads as open' },
      snoozedUntil: { type: ['string', 'null'], format: 'date-time' },
      createdAt: { type: 'string', format: 'date-time' },
      doneAt: { type: ['string', 'null'], format: 'date-time' },
      closedReason: { type: ['string', 'null'], enum: ['done', 'condition_ended', null], description: 'done by someone, or closed by its playbook when the condition ended' },
      notes: { type: 'array', items: object({ author: { type: ['string', 'null'] }, body: { type: 'string' }, at: { type: 'string', format: 'date-time' } }) },
    }, ['id', 'accountId', 'owner', 'title', 'reason', 'playbook', 'dueAt', 'state', 'createdAt', 'doneAt']),
    TaskList: object({ data: { type: 'array', items: { $ref: '#/components/schemas/Task' } }, nextCursor: { type: ['string', 'null'] } }),
    TaskChange: jsonSchema(taskChangeSchema),
    History: { type: 'array', items: object({ date: { type: 'string', format: 'date' }, score, band, dimensions: { type: ['object', 'null'] }, modelVersion: { type: 'integer' } }) },
    ModelVersion: object({ version: { type: 'integer' }, publishedAt: { type: 'string', format: 'date-time' }, author: { type: 'string' }, note: { type: ['string', 'null'] }, model: { $ref: '#/components/schemas/Model' } }),
    PublishedModel: { allOf: [{ $ref: '#/components/schemas/ModelVersion' }, object({ job: object({ id: { type: 'string', description: 'poll GET /api/v1/jobs/{id}' } }, ['id']) }, ['job'])] },
    Job: object({
      id: { type: 'string' },
      kind: { type: 'string', description: 'model.publish (a publish, or the recompute after a feature catalogue change), risk (a churn-risk fit), or import.<kind> (accounts, contacts, events, outcomes, oulad)' },
      state: { type: 'string', enum: ['queued', 'running', 'done', 'failed'], description: 'queued: recorded, its first step not done yet' },
      progress: { type: 'number', minimum: 0, maximum: 1 },
      error: { type: ['string', 'null'], description: 'why it failed; null unless failed' },
      message: { type: ['string', 'null'] },
      modelVersion: { type: ['integer', 'null'], description: 'a publish: the model version it applies' },
      done: { type: 'integer', description: 'accounts (a publish) or rows (an import) done so far' },
      total: { type: 'integer' },
      startedAt: { type: 'string', format: 'date-time' },
      finishedAt: { type: ['string', 'null'], format: 'date-time' },
    }, ['id', 'kind', 'state', 'progress', 'error']),
    ModelPreviewRequest: { oneOf: [{ $ref: '#/components/schemas/Model' }, object({ model: { $ref: '#/components/schemas/Model' }, asOf: { type: 'string', format: 'date', description: 'validation as-of date (default: 90 days ago)' }, horizonDays: { type: 'integer', minimum: 7, maximum: 1095, description: 'default 90' } }, ['model'])] },
    ModelPreview: {
      ...object({
        distribution: { type: 'array', description: 'current customers per 10-point score bin', items: object({ bin: { type: 'string' }, draft: { type: 'integer' }, live: { type: 'integer' } }) },
        bands: { type: 'array', items: object({ key: { type: 'string' }, label: { type: 'string' }, draft: { type: 'integer' }, live: { type: 'integer' } }) },
        noScore: object({ draft: { type: 'integer' }, live: { type: 'integer' } }),
        changes: object({
          total: { type: 'integer' }, up: { type: 'integer' }, down: { type: 'integer' }, arrMoved: { type: 'number' },
          top: { type: 'array', description: 'the accounts that change band, biggest ARR first (at most 25)', items: object({ id: { type: 'string' }, name: { type: 'string' }, arr: { type: 'number' }, liveScore: score, draftScore: score, from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] } }) },
        }),
        validation: object({
          asOf: { type: 'string', format: 'date' }, horizonDays: { type: 'integer' }, complete: { type: 'boolean' },
          draft: { $ref: '#/components/schemas/ValidationFigures' }, live: { $ref: '#/components/schemas/ValidationFigures' },
        }),
        ms: { type: 'integer' },
      }),
      description: 'distribution of scores (draft and live), accounts that change band, validation metrics of draft and live',
    },
    ModelSuggestRequest: describeFields(jsonSchema(suggestModelSchema), {
      outcome: 'what the model should warn of within the horizon: churned; not_renewed (churned, or no renewal); not_expanded',
      horizonDays: 'days after each sample date in which the outcome counts',
      trainFrom: 'first training sample date', trainTo: 'last training sample date',
      testFrom: 'first test sample date: at least horizonDays after trainTo, so the fit never sees the test outcomes', testTo: 'last test sample date: at least horizonDays before today',
      everyDays: 'days between sample dates (default 14)',
    }),
    SuggestJudgement: object({
      auc: { type: ['number', 'null'], description: 'how well the score separates the outcome (0.5: chance)' },
      lift: { type: ['number', 'null'], description: 'the outcome rate of the bottom score quartile over the top quartile' },
      topDecileLift: { type: ['number', 'null'], description: 'the outcome rate of the lowest-scored tenth over the overall rate' },
      samples: { type: 'integer', description: 'account-dates judged' }, positives: { type: 'integer', description: 'of them, with the outcome' },
    }),
    SuggestedModel: object({
      model: { $ref: '#/components/schemas/Model' },
      outcome: { type: 'string' }, horizonDays: { type: 'integer' },
      train: object({ auc: { type: ['number', 'null'] }, samples: { type: 'integer' }, positives: { type: 'integer' }, dates: { type: 'array', items: { type: 'string', format: 'date' } }, ridge: { type: 'number' }, validationAuc: { type: ['number', 'null'] } }),
      test: { allOf: [{ $ref: '#/components/schemas/SuggestJudgement' }, object({ dates: { type: 'array', items: { type: 'string', format: 'date' } } })] },
      live: object({ version: { type: 'integer' }, test: { $ref: '#/components/schemas/SuggestJudgement' } }),
      triggers: { type: 'array', items: { type: 'string' }, description: 'the triggers the fit considered' },
    }),
    ValidationFigures: object({
      auc: { type: ['number', 'null'] }, aucInterval: { type: ['array', 'null'], items: { type: 'number' } }, lift: { type: ['number', 'null'] }, correlation: { type: ['number', 'null'] },
      churnRates: { type: 'object' }, population: { type: 'object' },
      bands: { type: 'array', description: 'retention by band', items: object({ key: { type: 'string' }, label: { type: 'string' }, accounts: { type: 'integer' }, churned: { type: 'integer' }, retention: { type: ['number', 'null'] } }) },
    }),
    Cohorts: object({
      asOf: { type: 'string' }, horizonDays: { type: 'integer' }, groupBy: { type: 'string' },
      groups: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, accounts: { type: 'integer' }, churned: { type: 'integer' }, retention: { type: 'number' }, renewal: { type: 'number' }, expansion: { type: 'number' }, curve: { type: 'array', items: { type: 'object' } } } } },
      auc: { type: ['number', 'null'] }, lift: { type: ['number', 'null'] }, correlation: { type: ['number', 'null'] },
    }, ['asOf', 'groups']),
    SegmentCall: {
      type: 'object',
      description: 'A Segment call. Other Segment fields (integrations, _metadata, channel, ...) are accepted and ignored.',
      properties: {
        type: { type: 'string', enum: ['identify', 'group', 'track', 'page', 'screen', 'alias'] },
        userId: { type: ['string', 'number'] }, anonymousId: { type: ['string', 'number'] }, messageId: { type: 'string' },
        event: { type: 'string' }, groupId: { type: ['string', 'number'] }, timestamp: { type: 'string', format: 'date-time' },
        traits: { type: 'object' }, properties: { type: 'object' }, context: { type: 'object', properties: { groupId: { type: 'string' } } },
      },
    },
    SegmentBatch: object({ batch: { type: 'array', items: { $ref: '#/components/schemas/SegmentCall' }, maxItems: INGEST_LIMITS.segment.maxItems }, context: { type: 'object' }, sentAt: { type: 'string' } }, ['batch']),
    SegmentResult: object({
      success: { type: 'boolean', const: true },
      accounts: { type: 'integer' }, contacts: { type: 'integer' }, events: { type: 'integer' }, duplicates: { type: 'integer' },
      skipped: { type: 'array', items: object({ index: { type: 'integer' }, type: { type: 'string' }, reason: { type: 'string' }, event: { type: 'string' } }, ['index', 'type', 'reason']) },
    }),
    ExperimentDefinition: describeFields(jsonSchema(experimentSchema), {
      key: 'starts with a lower-case letter; letters, digits, "_" or "-"; unique',
      population: 'customers (not churned) matching every filter given; tier, band and owner take one value or a list',
      arms: 'two to six; the first is the baseline; weights are whole numbers (the split within each stratum)',
      seed: 'the random assignment is the same for the same seed (default: drawn and kept)',
      startAt: 'ISO 8601 date-time; now or later (a day back at most)',
      endAt: 'ISO 8601 date-time after startAt (at most two years); left out: runs until stopped',
      lateJoiners: 'accounts joining the population later: assigned on their next rescore or sweep, or left out',
    }),
    ExperimentStop: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 500, description: 'why it is stopped (kept in the audit log)' } } },
    ExperimentCreated: object({
      id: { type: 'integer' }, key: { type: 'string' }, assigned: { type: 'integer', description: 'accounts assigned' },
      arms: { type: 'array', items: object({ key: { type: 'string' }, accounts: { type: 'integer' } }) },
    }),
    ExperimentSummary: object({
      id: { type: 'integer' }, key: { type: 'string' }, name: { type: 'string' }, hypothesis: { type: ['string', 'null'] },
      state: { type: 'string', enum: ['planned', 'running', 'finished'] },
      population: { type: 'object' },
      arms: { type: 'array', items: object({ key: { type: 'string' }, label: { type: 'string' }, weight: { type: 'integer' }, baseline: { type: 'boolean' }, accounts: { type: 'integer' }, cadence: { type: 'array', items: { type: 'object' } }, playbooks: { type: 'object' } }) },
      stratifyBy: { type: 'array', items: { type: 'string' } }, seed: { type: 'integer' },
      startAt: { type: 'string', format: 'date-time' }, endAt: { type: ['string', 'null'], format: 'date-time' },
      lateJoiners: { type: 'string', enum: ['assign', 'exclude'] }, assigned: { type: 'integer' },
      createdAt: { type: 'string', format: 'date-time' }, createdBy: { type: 'string' }, stoppedBy: { type: ['string', 'null'] },
    }, ['id', 'key', 'name', 'state', 'arms', 'startAt', 'endAt', 'assigned']),
    ExperimentList: object({ data: { type: 'array', items: { $ref: '#/components/schemas/ExperimentSummary' } } }),
    ExperimentDetail: {
      allOf: [
        { $ref: '#/components/schemas/ExperimentSummary' },
        object({
          strata: { type: 'array', description: 'accounts per stratum and arm', items: object({ stratum: { type: 'string', description: 'e.g. tier=growth|band=yellow' }, arms: { type: 'object', additionalProperties: { type: 'integer' } }, total: { type: 'integer' } }) },
          lateAssigned: { type: 'integer', description: 'accounts assigned after the experiment was defined' },
        }),
      ],
    },
    AssignmentList: object({
      data: { type: 'array', items: object({ accountId: { type: 'string' }, accountName: { type: 'string' }, arm: { type: 'string' }, stratum: { type: 'string' }, assignedAt: { type: 'string', format: 'date-time' }, late: { type: 'boolean' } }) },
      nextCursor: { type: ['string', 'null'] },
    }),
    ExperimentReport: object({
      id: { type: 'integer' }, key: { type: 'string' }, state: { type: 'string', enum: ['planned', 'running', 'finished'] },
      startAt: { type: 'string', format: 'date-time' }, asOf: { type: 'string', format: 'date-time' },
      arms: {
        type: 'array',
        items: object({
          key: { type: 'string' }, label: { type: 'string' }, accounts: { type: 'integer' },
          metrics: object(Object.fromEntries(['scoreChange', 'churnRate', 'expansionRate', 'nps', 'csmMinutes'].map((m) => [m, object({ value: { type: ['number', 'null'] }, n: { type: 'integer' }, sd: { type: ['number', 'null'] } }, ['value', 'n'])]))),
          pointsPerHour: { type: ['number', 'null'], description: 'mean score change per hour of logged CSM time' },
        }),
      },
      comparisons: {
        type: 'array',
        items: object({
          arm: { type: 'string' }, baseline: { type: 'string' }, metric: { type: 'string', enum: ['scoreChange', 'churnRate', 'expansionRate', 'nps', 'csmMinutes'] },
          method: { type: 'string', enum: ['welch-t', 'two-proportion-z-wald', 'welch-t-on-nps-points'] },
          difference: { type: ['number', 'null'], description: 'arm minus baseline (rates as shares: -0.05 is five points less)' },
          ci: { type: ['array', 'null'], items: { type: 'number' }, minItems: 2, maxItems: 2, description: '95% confidence interval' },
          pValue: { type: ['number', 'null'] },
          significant: { type: 'boolean', description: 'false while the interval holds 0' },
        }),
      },
      series: { type: 'array', items: object({ day: { type: 'integer', description: 'days since the day before the start' }, date: { type: 'string', format: 'date' }, values: { type: 'object', additionalProperties: { type: ['number', 'null'] } }, counts: { type: 'object', additionalProperties: { type: 'integer' } } }) },
    }),
    OpenApiDocument: { type: 'object' },
    Health: object({ ok: { type: 'boolean' } }),
  };
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid: malformed JSON, wrong types, unknown fields; every bad item is listed with its index and field. Nothing was written.',
  401: 'No API key, or a key that is not valid or revoked.',
  403: 'The key\'s scope does not allow this call.',
  404: 'Not found.',
  409: 'Conflict: the change clashes with what exists (the message says with what).',
  413: 'The body is over the size limit.',
  429: 'Too many requests for this key; retry after the seconds in Retry-After.',
  503: 'The database does not answer.',
};

function operation(route: RouteDoc): Schema {
  const errorResponse = (status: number) => ({
    description: ERROR_TEXT[status] ?? 'Error',
    ...(status === 429 ? { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } } } : {}),
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  const statuses = [...route.errors, ...(route.auth === 'none' ? [] : [401, 403, 429])];
  const parameters = [
    ...(route.path.includes('{id}') ? [{ name: 'id', in: 'path', required: true, description: route.idDescription ?? 'the account id', schema: { type: 'string' } }] : []),
    ...(route.query ?? []).map((q) => ({ name: q.name, in: 'query', required: q.required ?? false, description: q.description, schema: q.schema })),
  ];
  return {
    operationId: route.id,
    summary: route.summary,
    description: route.description,
    tags: [route.group],
    ...(route.auth === 'bearer' ? { security: [{ apiKey: [] }], 'x-scope': route.scope } : route.auth === 'basic' ? { security: [{ segmentWriteKey: [] }], 'x-scope': route.scope } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: true, description: route.body.description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.body.schema}` }, ...(route.body.example !== undefined ? { example: route.body.example } : {}) } } } }
      : {}),
    responses: {
      [route.created ? 201 : 200]: { description: route.created ? 'Created' : 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.response}` } } } },
      ...(route.accepted ? { 202: { description: 'Accepted: the rest is done in the background', content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.accepted}` } } } } } : {}),
      ...Object.fromEntries([...new Set(statuses)].sort().map((s) => [String(s), errorResponse(s)])),
    },
  };
}

export function buildOpenApi(serverUrl?: string): Schema {
  const paths: Record<string, Schema> = {};
  for (const route of API_ROUTES) paths[route.path] = { ...(paths[route.path] ?? {}), [route.method]: operation(route) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Trellis API',
      version: '1',
      description: 'Customer engagement scores: send accounts, contacts, events and outcomes; read scores, history, the model and their validation. Batches are atomic; errors say which item and field. Rate limit per key: see the API page (defaults: 300 requests at once, then 50 per second).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags: ['Ingest', 'Read', 'Model', 'Catalogue', 'Experiments', 'Segment', 'Service'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: Authorization: Bearer trl_…' },
        segmentWriteKey: { type: 'http', scheme: 'basic', description: 'An ingest API key as the HTTP Basic user name, as Segment libraries send their write key' },
      },
      schemas: components(),
    },
  };
}
