/**
 * Segment-compatible ingestion (pure): reads Segment calls (`identify`, `group`, `track`, and the
 * `page`/`screen`/`alias` calls Trellis does not use) and turns them into the same account,
 * contact and event inputs as the REST API, validated by the same schemas.
 *
 * - `group` upserts the account `groupId` (traits: name, tier, arr, ...; other simple traits go
 *   to its attributes) and links the user to it;
 * - `identify` upserts the user as a contact (traits: name or firstName/lastName, email, role,
 *   department) of the account named in the call, else the user's last group;
 * - `track` becomes an event: account = `context.groupId`, else `properties.accountId`, else the
 *   user's last group; type = the event name or the trigger an admin mapped it to; id = `messageId`.
 *
 * Malformed calls are errors (the whole request is refused); well-formed calls Trellis cannot use
 * (an event name that is not a trigger, a user without an account, page calls) are skipped and
 * reported, so one of them never costs the rest of a batch.
 */
import { z } from 'zod';
import { dict, dictFrom, hasKey } from '@/lib/dict';
import { CONTACT_ROLES } from '@/lib/scoring/types';
import { accountSchema, contactSchema, eventSchema, type AccountInput, type ContactInput, type EventInput, type ItemError } from './schemas';

export const SEGMENT_CALLS = ['batch', 'track', 'identify', 'group', 'page', 'screen', 'alias'] as const;
export type SegmentCall = (typeof SEGMENT_CALLS)[number];

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const id = z
  .union([z.string(), z.number().finite()], { error: 'must be a string' })
  .transform(String)
  .pipe(z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').refine((s) => !CONTROL.test(s), 'must not contain control characters'));
/** A JSON object, copied into an object without a prototype: its keys come from the sender. */
const object = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: 'must be an object' })
  .transform((v) => dictFrom(v));

/** The parts of a Segment message Trellis reads; other fields (integrations, _metadata, ...) are allowed. */
export const segmentMessageSchema = z.looseObject({
  type: z.enum(['identify', 'group', 'track', 'page', 'screen', 'alias'], { error: 'must be one of identify, group, track, page, screen, alias' }),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  messageId: id.nullish(),
  event: z.string({ error: 'must be a string' }).max(200, 'must be at most 200 characters').nullish(),
  groupId: id.nullish(),
  timestamp: z.string({ error: 'must be an ISO 8601 date-time string' }).nullish(),
  originalTimestamp: z.string({ error: 'must be an ISO 8601 date-time string' }).nullish(),
  traits: object.nullish(),
  properties: object.nullish(),
  context: object.nullish(),
});
export type SegmentMessage = z.infer<typeof segmentMessageSchema>;

export const segmentBatchSchema = z.looseObject({
  batch: z.array(z.unknown(), { error: 'must be an array of calls' }),
  context: object.nullish(),
  sentAt: z.string().nullish(),
});

/** What the planner needs to know about the database. */
export interface SegmentLookups {
  /** the account a person (contact id) belongs to now, or null */
  accountOfPerson(personId: string): string | null;
  /** the trigger key an incoming event name maps to (a trigger key itself or an admin's alias) */
  triggerFor(eventName: string): string | null;
}

export interface Skipped {
  index: number;
  type: string;
  reason: string;
  /** the unmapped event name, for the admins' mapping list */
  event?: string;
}

export type GroupAccount = Omit<AccountInput, 'name'> & { name?: string };
// A group call may leave the name out: an existing account keeps its name, a new one is named by its id.
const groupAccountSchema = accountSchema.partial({ name: true });

export interface SegmentPlan {
  /** one per account, calls merged in order (later traits win); no name when no call gave one */
  accounts: { input: GroupAccount; index: number; attributes: Record<string, unknown> | null }[];
  /** one per person, calls merged in order (the last group wins) */
  contacts: { input: ContactInput; index: number }[];
  events: { input: EventInput; index: number }[];
  /** track calls whose messageId came earlier in the same batch */
  duplicates: number;
  skipped: Skipped[];
  errors: ItemError[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const num = (v: unknown): unknown => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v);

/** Simple values only (what event properties and account attributes can hold), at most 50. */
function simpleValues(source: Record<string, unknown>, leaveOut: readonly string[] = []): Record<string, string | number | boolean | null> | null {
  const out = dict<string | number | boolean | null>();
  let n = 0;
  for (const [k, v] of Object.entries(source)) {
    if (n >= 50) break;
    if (leaveOut.includes(k) || !k || k.length > 100 || CONTROL.test(k) || k === '__proto__') continue;
    const ok = v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 2000 && !CONTROL.test(v));
    if (ok) {
      out[k] = v as string | number | boolean | null;
      n += 1;
    }
  }
  return n ? out : null;
}

/** "Executive Sponsor", "power-user" -> the stakeholder role keys. */
export function normaliseRole(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const key = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return (CONTACT_ROLES as readonly string[]).includes(key) ? key : value;
}

const ACCOUNT_TRAITS = ['name', 'tier', 'lifecycleStage', 'arr', 'ownerEmail', 'industry', 'size', 'employees', 'startedAt', 'createdAt', 'renewalDate', 'accountId', 'id'];

function accountFromTraits(groupId: string, traits: Record<string, unknown>): Record<string, unknown> {
  const size = traits.size ?? (typeof traits.employees === 'number' ? String(traits.employees) : traits.employees);
  const fields: Record<string, unknown> = {
    id: groupId,
    name: traits.name,
    tier: typeof traits.tier === 'string' ? traits.tier.toLowerCase() : traits.tier,
    lifecycleStage: traits.lifecycleStage,
    arr: num(traits.arr),
    ownerEmail: traits.ownerEmail,
    industry: traits.industry,
    size,
    startedAt: traits.startedAt ?? traits.createdAt,
    renewalDate: traits.renewalDate,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function contactFromTraits(personId: string, accountId: string, traits: Record<string, unknown>): Record<string, unknown> {
  const fullName = [str(traits.firstName), str(traits.lastName)].filter(Boolean).join(' ') || undefined;
  const fields: Record<string, unknown> = {
    id: personId,
    accountId,
    name: traits.name ?? fullName,
    email: traits.email,
    role: normaliseRole(traits.role),
    department: traits.department,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function issues(index: number, prefix: string, error: z.ZodError): ItemError[] {
  return error.issues.map((i) => ({ index, path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: i.code === 'unrecognized_keys' ? `unknown field ${i.keys.join(', ')}` : i.message }));
}

/**
 * Plans a list of calls in order. `defaults` carries what the batch envelope gives every call
 * (its `context`, its `sentAt`), `receivedAt` stands in for calls without any timestamp.
 */
export function planSegment(raw: unknown[], lookups: SegmentLookups, options: { context?: Record<string, unknown> | null; receivedAt: number }): SegmentPlan {
  const plan: SegmentPlan = { accounts: [], contacts: [], events: [], duplicates: 0, skipped: [], errors: [] };
  const messageIds = new Set<string>();
  const messages: (SegmentMessage | null)[] = raw.map((m, index) => {
    const parsed = segmentMessageSchema.safeParse(m);
    if (!parsed.success) {
      plan.errors.push(...issues(index, '', parsed.error));
      return null;
    }
    const msg = parsed.data;
    if (!msg.userId && !msg.anonymousId) plan.errors.push({ index, path: 'userId', message: 'a call needs a userId or an anonymousId' });
    if (msg.type === 'track' && !str(msg.event)) plan.errors.push({ index, path: 'event', message: 'a track call needs the event name' });
    if (msg.type === 'group' && !msg.groupId) plan.errors.push({ index, path: 'groupId', message: 'a group call needs a groupId' });
    return msg;
  });

  // The user's group as of each call, with a look-ahead for calls sent before their group call.
  const groupNow = new Map<string, string | null>();
  const laterGroup = new Map<string, string>();
  messages.forEach((m) => {
    if (m?.type === 'group' && m.groupId) {
      const person = (m.userId ?? m.anonymousId)!;
      if (!laterGroup.has(person)) laterGroup.set(person, m.groupId);
    }
  });
  const groupOf = (person: string): string | null => {
    if (!groupNow.has(person)) groupNow.set(person, lookups.accountOfPerson(person));
    return groupNow.get(person) ?? laterGroup.get(person) ?? null;
  };

  messages.forEach((m, index) => {
    if (!m) return;
    const person = m.userId ?? m.anonymousId;
    if (!person) return;
    // The call's own context wins over the batch's, key by key; only groupId is read.
    const groupValue = m.context && hasKey(m.context, 'groupId') ? m.context.groupId : options.context && hasKey(options.context, 'groupId') ? options.context.groupId : undefined;
    const contextGroup = str(groupValue) ?? (typeof groupValue === 'number' && Number.isFinite(groupValue) ? String(groupValue) : undefined);
    if (m.type === 'page' || m.type === 'screen' || m.type === 'alias') {
      plan.skipped.push({ index, type: m.type, reason: `${m.type} calls are not used by Trellis` });
      return;
    }
    if (m.type === 'group') {
      const groupId = m.groupId!;
      const traits = m.traits ?? {};
      const parsed = groupAccountSchema.safeParse(accountFromTraits(groupId, traits));
      if (!parsed.success) plan.errors.push(...issues(index, 'traits', parsed.error).map((e) => ({ ...e, path: e.path.replace(/^traits\.id$/, 'groupId') })));
      else plan.accounts.push({ input: parsed.data, index, attributes: simpleValues(traits, ACCOUNT_TRAITS) });
      groupNow.set(person, groupId);
      const link = contactSchema.safeParse({ id: person, accountId: groupId });
      if (!link.success) plan.errors.push(...issues(index, 'userId', link.error));
      else plan.contacts.push({ input: link.data, index });
      return;
    }
    if (m.type === 'identify') {
      const traits = m.traits ?? {};
      const account = contactGroupOf(contextGroup, traits) ?? groupOf(person);
      if (!account) {
        plan.skipped.push({ index, type: 'identify', reason: `user "${person}" is not in an account yet: send a group call first (or context.groupId)` });
        return;
      }
      const parsed = contactSchema.safeParse(contactFromTraits(person, account, traits));
      if (!parsed.success) plan.errors.push(...issues(index, 'traits', parsed.error));
      else plan.contacts.push({ input: parsed.data, index });
      return;
    }
    // track
    const name = str(m.event)!;
    const type = lookups.triggerFor(name);
    if (!type) {
      plan.skipped.push({ index, type: 'track', event: name, reason: `"${name}" is not a trigger and not mapped to one (map it under Triggers)` });
      return;
    }
    const properties = m.properties ?? {};
    const account = contextGroup ?? str(properties.accountId) ?? groupOf(person);
    if (!account) {
      plan.skipped.push({ index, type: 'track', reason: `user "${person}" is not in an account yet: send a group call first, or context.groupId` });
      return;
    }
    const occurredAt = m.timestamp ?? m.originalTimestamp ?? new Date(options.receivedAt).toISOString();
    const event = {
      ...(m.messageId ? { id: m.messageId } : {}),
      accountId: account,
      type,
      occurredAt,
      count: 1,
      properties: simpleValues(properties),
      source: 'segment',
    };
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      plan.errors.push(...issues(index, '', parsed.error).map((e) => ({ ...e, path: segmentPath(e.path) })));
      return;
    }
    if (parsed.data.id && messageIds.has(parsed.data.id)) {
      plan.duplicates += 1;
      return;
    }
    if (parsed.data.id) messageIds.add(parsed.data.id);
    // The person is the event's contact when they belong to that account (known or linked here).
    plan.events.push({ input: { ...parsed.data, contactId: groupOf(person) === account ? person : null }, index });
  });
  plan.accounts = mergeById(plan.accounts, (a, b) => ({ input: { ...a.input, ...b.input }, index: b.index, attributes: a.attributes || b.attributes ? { ...a.attributes, ...b.attributes } : null }));
  plan.contacts = mergeById(plan.contacts, (a, b) => ({ input: { ...a.input, ...b.input }, index: b.index }));
  return plan;
}

/** Several calls about the same account or person become one upsert, merged in call order. */
function mergeById<T extends { input: { id: string } }>(items: T[], merge: (a: T, b: T) => T): T[] {
  const byId = new Map<string, T>();
  for (const item of items) {
    const seen = byId.get(item.input.id);
    byId.set(item.input.id, seen ? merge(seen, item) : item);
  }
  return [...byId.values()];
}

function contactGroupOf(contextGroup: string | undefined, traits: Record<string, unknown>): string | undefined {
  const company = traits.company && typeof traits.company === 'object' ? (traits.company as Record<string, unknown>).id : undefined;
  return contextGroup ?? str(traits.accountId) ?? str(company) ?? (typeof company === 'number' ? String(company) : undefined);
}

/** Event fields named as the Segment call names them. */
function segmentPath(path: string): string {
  if (path === 'id') return 'messageId';
  if (path === 'occurredAt') return 'timestamp';
  if (path === 'accountId') return 'context.groupId';
  return path;
}
