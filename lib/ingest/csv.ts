/**
 * CSV import (pure, shared by the browser preview and the server): which fields each kind has,
 * a guess of the column for each field from the header, and turning a row of text cells into
 * the same input the REST API takes, validated by the same schemas.
 */
import { z } from 'zod';
import { accountSchema, contactSchema, eventSchema, outcomeSchema } from './schemas';
import { dict, hasKey } from '@/lib/dict';

export const IMPORT_KINDS = ['accounts', 'contacts', 'events', 'outcomes'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

type FieldType = 'string' | 'number' | 'integer' | 'instant' | 'json' | 'lower';

export interface FieldDef {
  key: string;
  label: string;
  type: FieldType;
  required?: boolean;
  /** header spellings that map to this field (compared without case, spaces, _ or -) */
  synonyms: string[];
}

const f = (key: string, label: string, type: FieldType, synonyms: string[], required = false): FieldDef => ({ key, label, type, synonyms, required });

export const CSV_FIELDS: Record<ImportKind, FieldDef[]> = {
  accounts: [
    f('id', 'Account id', 'string', ['accountid', 'account', 'companyid', 'crmid', 'externalid'], true),
    f('name', 'Name', 'string', ['accountname', 'company', 'companyname', 'customer'], true),
    f('tier', 'Tier', 'lower', ['segment', 'accounttier']),
    f('lifecycleStage', 'Lifecycle stage', 'lower', ['stage', 'lifecycle']),
    f('arr', 'ARR', 'number', ['annualrecurringrevenue', 'revenue', 'mrr12']),
    f('ownerEmail', 'Owner email', 'string', ['owner', 'csm', 'csmemail', 'accountowner']),
    f('startedAt', 'Customer since', 'instant', ['started', 'startdate', 'customersince', 'createdat', 'contractstart']),
    f('renewalDate', 'Renewal date', 'instant', ['renewal', 'renewson', 'contractend']),
    f('industry', 'Industry', 'string', ['vertical', 'sector']),
    f('size', 'Size', 'string', ['employees', 'companysize', 'headcount']),
    f('attributes', 'Attributes (JSON)', 'json', ['attrs']),
  ],
  contacts: [
    f('id', 'Contact id', 'string', ['contactid', 'personid', 'userid'], true),
    f('accountId', 'Account id', 'string', ['account', 'companyid', 'company'], true),
    f('name', 'Name', 'string', ['fullname', 'contactname']),
    f('email', 'Email', 'string', ['emailaddress', 'mail']),
    f('role', 'Role', 'lower', ['stakeholderrole', 'persona']),
    f('department', 'Department', 'string', ['dept', 'team', 'function']),
  ],
  events: [
    f('id', 'Event id', 'string', ['eventid', 'messageid', 'externalid']),
    f('accountId', 'Account id', 'string', ['account', 'companyid', 'company'], true),
    f('contactId', 'Contact id', 'string', ['contact', 'userid', 'personid']),
    f('type', 'Type (trigger)', 'string', ['event', 'eventtype', 'trigger', 'eventname', 'activity'], true),
    f('occurredAt', 'Occurred at', 'instant', ['timestamp', 'time', 'date', 'datetime', 'when', 'eventdate', 'eventtime'], true),
    f('count', 'Count', 'integer', ['n', 'quantity', 'clicks', 'times']),
    f('properties', 'Properties (JSON)', 'json', ['props', 'attributes']),
    f('source', 'Source', 'string', ['origin', 'system']),
  ],
  outcomes: [
    f('id', 'Outcome id', 'string', ['outcomeid', 'externalid']),
    f('accountId', 'Account id', 'string', ['account', 'companyid', 'company'], true),
    f('type', 'Type', 'lower', ['outcome', 'outcometype', 'result'], true),
    f('occurredAt', 'Occurred at', 'instant', ['date', 'timestamp', 'when', 'closedate'], true),
    f('arrDelta', 'ARR change', 'number', ['arrchange', 'delta', 'amount']),
    f('reason', 'Reason', 'string', ['notes', 'comment', 'churnreason']),
  ],
};

/** Where columns that are not mapped can go, per kind (events: properties; accounts: attributes). */
export const EXTRAS_FIELD: Partial<Record<ImportKind, 'properties' | 'attributes'>> = { events: 'properties', accounts: 'attributes' };

const SCHEMAS: Record<ImportKind, z.ZodType> = { accounts: accountSchema, contacts: contactSchema, events: eventSchema, outcomes: outcomeSchema };

/** field key -> column header (null: not imported) */
export type Mapping = Record<string, string | null>;

export interface MapOptions {
  /** put unmapped columns into `properties` (events) or `attributes` (accounts) */
  extras?: boolean;
}

const norm = (s: string) => s.toLowerCase().replace(/[\s_\-.]/g, '');

/** A column for each field: the header that names the field or one of its usual spellings. */
export function guessMapping(kind: ImportKind, headers: string[]): Mapping {
  const byNorm = new Map<string, string>();
  for (const h of headers) if (!byNorm.has(norm(h))) byNorm.set(norm(h), h);
  const used = new Set<string>();
  const mapping: Mapping = {};
  for (const field of CSV_FIELDS[kind]) {
    const hit = [field.key, field.label, ...field.synonyms].map((s) => byNorm.get(norm(s))).find((h) => h !== undefined && !used.has(h));
    mapping[field.key] = hit ?? null;
    if (hit) used.add(hit);
  }
  return mapping;
}

/** "2026-03-01 09:30" (spreadsheets) is read as UTC; other forms go to the schema as they are. */
function instantText(s: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/.exec(s);
  return m ? `${m[1]}T${m[2]!.length === 5 ? `${m[2]}:00` : m[2]}Z` : s;
}

/** A number as spreadsheets write it: "48,000", " 12.5 ". Anything else stays text (and fails). */
function numberText(s: string): number | string {
  const t = s.replace(/[\s,]/g, '');
  return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t) ? Number(t) : s;
}

/** A cell of an extra column as a property value: true/false, a number, or the text. */
function propertyValue(s: string): string | number | boolean {
  if (/^(true|false)$/i.test(s)) return s.toLowerCase() === 'true';
  const n = numberText(s);
  return typeof n === 'number' && String(n) === s.trim().replace(/,/g, '') ? n : s;
}

function cell(field: FieldDef, raw: string): unknown {
  const s = raw.trim();
  switch (field.type) {
    case 'number':
    case 'integer':
      return numberText(s);
    case 'instant':
      return instantText(s);
    case 'lower':
      return s.toLowerCase().replace(/[\s-]+/g, '_');
    case 'json':
      try {
        return JSON.parse(s) as unknown;
      } catch {
        return s;
      }
    default:
      return s;
  }
}

/** A row of cells as the API input it stands for; empty cells leave their field out. */
export function mapRow(kind: ImportKind, row: Record<string, string | undefined>, mapping: Mapping, options: MapOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const mapped = new Set<string>();
  for (const field of CSV_FIELDS[kind]) {
    const column = mapping[field.key];
    if (!column) continue;
    mapped.add(column);
    const raw = hasKey(row, column) ? row[column] : undefined;
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    out[field.key] = cell(field, raw);
  }
  const extrasField = EXTRAS_FIELD[kind];
  if (options.extras && extrasField) {
    const extras = dict<unknown>();
    for (const [column, raw] of Object.entries(row)) {
      if (mapped.has(column) || raw === undefined || raw.trim() === '' || column === '__parsed_extra') continue;
      extras[column] = propertyValue(raw.trim());
    }
    if (Object.keys(extras).length) {
      const given = out[extrasField];
      out[extrasField] = given && typeof given === 'object' && !Array.isArray(given) ? { ...extras, ...given } : given ?? extras;
    }
  }
  return out;
}

export interface RowProblem {
  field: string;
  message: string;
}

export type CheckedRow<T = unknown> = { ok: true; value: T } | { ok: false; problems: RowProblem[] };

/** Maps and validates one row with the schema the REST API uses for the same kind. */
export function checkRow(kind: ImportKind, row: Record<string, string | undefined>, mapping: Mapping, options: MapOptions = {}): CheckedRow {
  const parsed = SCHEMAS[kind].safeParse(mapRow(kind, row, mapping, options));
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => ({
      field: i.path.map(String).join('.') || '(row)',
      message: i.code === 'unrecognized_keys' ? `unknown field ${i.keys.join(', ')}` : i.message,
    })),
  };
}

/** Problems with the mapping itself: required fields without a column. */
export function mappingProblems(kind: ImportKind, mapping: Mapping): string[] {
  return CSV_FIELDS[kind].filter((field) => field.required && !mapping[field.key]).map((field) => `Choose the column for "${field.label}"`);
}

/** Row numbers as a spreadsheet shows them: the header is row 1, the first data row is row 2. */
export const sheetRow = (dataIndex: number) => dataIndex + 2;

/** What the import page sends to check a file: the kind, the mapping and the options. */
export const importSettingsSchema = z.object({
  kind: z.enum(IMPORT_KINDS),
  mapping: z.record(z.string().max(100), z.string().max(500).nullable()),
  extras: z.boolean().default(false),
  createAccounts: z.boolean().default(false),
}).strict();
