import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApi } from './openapi';
import { API_ROUTES } from './routes';

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 according to a real validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(buildOpenApi('http://localhost:3000'));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The validator does refuse broken documents (so the test above means something).
    const broken = await new Validator().validate({ openapi: '3.1.0', info: { title: 'x' }, paths: { '/x': { get: { responses: { 200: {} } } } } });
    expect(broken.valid).toBe(false);
  });

  it('describes every route of API.md, the Segment endpoints and the health check', () => {
    const doc = buildOpenApi() as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(expect.arrayContaining([
      'POST /api/v1/accounts', 'POST /api/v1/contacts', 'POST /api/v1/events', 'POST /api/v1/outcomes',
      'GET /api/v1/accounts', 'GET /api/v1/accounts/{id}', 'GET /api/v1/accounts/{id}/history',
      'GET /api/v1/model', 'PUT /api/v1/model', 'POST /api/v1/model/preview', 'POST /api/v1/model/suggest', 'GET /api/v1/cohorts', 'GET /api/v1/jobs/{id}',
      'GET /api/v1/triggers', 'POST /api/v1/triggers', 'GET /api/v1/features', 'POST /api/v1/features', 'GET /api/v1/trigger-aliases', 'POST /api/v1/trigger-aliases',
      'GET /api/v1/tasks', 'PATCH /api/v1/tasks/{id}',
      'GET /api/v1/openapi.json', 'GET /api/health',
      'POST /api/segment/v1/batch', 'POST /api/segment/v1/track', 'POST /api/segment/v1/identify', 'POST /api/segment/v1/group',
    ]));
    expect(operations).toHaveLength(API_ROUTES.length);
  });

  it('takes request bodies from the validating schemas: strict, with their limits', () => {
    const doc = buildOpenApi() as { components: { schemas: Record<string, { additionalProperties?: boolean; required?: string[]; maxItems?: number }> } };
    expect(doc.components.schemas.Event!.additionalProperties).toBe(false);
    expect(doc.components.schemas.Event!.required).toEqual(['accountId', 'type', 'occurredAt']);
    expect(doc.components.schemas.EventBatch!.maxItems).toBe(10_000);
    expect(doc.components.schemas.Trigger!.additionalProperties).toBe(false);
    expect(doc.components.schemas.Trigger!.required).toEqual(['key', 'label']);
    expect(doc.components.schemas.Feature!.required).toEqual(['key', 'label', 'tier']);
    expect(doc.components.schemas.TriggerAlias!.required).toEqual(['name', 'trigger']);
    expect(doc.components.schemas.TriggerBatch!.maxItems).toBe(500);
    expect(doc.components.schemas.TaskChange!.additionalProperties).toBe(false);
    expect(Object.keys((doc.components.schemas.TaskChange as { properties: object }).properties)).toEqual(['state', 'snoozeUntil', 'note']);
  });

  it('documents the cadence and tasks of an account and the overdue filter of the list', () => {
    const doc = buildOpenApi() as { paths: Record<string, Record<string, { parameters?: { name: string }[] }>>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    expect(doc.paths['/api/v1/accounts']!.get!.parameters!.map((p) => p.name)).toContain('overdue');
    expect(Object.keys(doc.components.schemas.AccountDetail!.properties!)).toEqual(expect.arrayContaining(['cadence', 'tasks']));
    expect(Object.keys(doc.components.schemas.CadenceItem!.properties!)).toEqual(['key', 'label', 'everyDays', 'lastAt', 'dueAt', 'overdue']);
    expect(doc.paths['/api/v1/tasks/{id}']!.patch!.parameters!.map((p) => p.name)).toEqual(['id']);
  });
});
