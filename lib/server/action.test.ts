/** The server action wrapper: the role is checked before anything else, then the form, then the command. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppError } from './errors';
import { logger } from './log';

const session = vi.hoisted(() => ({ user: null as null | { pk: number; email: string; name: null; role: 'csm' | 'manager' | 'admin' } }));
vi.mock('./session', () => ({ getCurrentUser: async () => session.user }));
vi.mock('@/db/client', () => ({ getStore: async () => ({ fake: 'db' }) }));
vi.mock('next/headers', () => ({ headers: async () => new Headers({ 'x-forwarded-for': '203.0.113.9, 10.0.0.1', 'x-request-id': 'req-42' }) }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const { action, formDataToObject } = await import('./action');

const form = (fields: Record<string, string | string[]>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) f.append(k, x);
  return f;
};
const schema = z.object({ name: z.string().min(1, 'Give it a name') });

describe('server actions', () => {
  const run = vi.fn((input: { name: string }, _ctx: unknown) => ({ hello: input.name }));
  beforeEach(() => {
    run.mockClear();
  });

  it('refuses anonymous users and lower roles before reading the form or running anything', async () => {
    const act = action('admin', schema, run);
    session.user = null;
    expect(await act(null, form({ name: 'x' }))).toEqual({ ok: false, message: 'Your session has ended. Sign in again.', fieldErrors: {} });
    session.user = { pk: 2, email: 'manager@example.com', name: null, role: 'manager' };
    expect(await act(null, form({ name: '' }))).toEqual({ ok: false, message: 'Your role does not allow this.', fieldErrors: {} });
    expect(run).not.toHaveBeenCalled();
  });

  it('answers field errors with what was typed, and runs the command with the user and address', async () => {
    // One trusted proxy: the address it appended, not the one the client wrote.
    vi.stubEnv('TRUST_PROXY', '1');
    session.user = { pk: 1, email: 'admin@example.com', name: null, role: 'admin' };
    const act = action('admin', schema, run);
    expect(await act(null, form({ name: '' }))).toEqual({ ok: false, message: 'Check the highlighted fields.', fieldErrors: { name: ['Give it a name'] }, values: { name: '' } });
    expect(await act(null, form({ name: 'Ada' }))).toEqual({ ok: true, data: { hello: 'Ada' } });
    expect(run).toHaveBeenCalledWith({ name: 'Ada' }, { db: { fake: 'db' }, user: session.user, ip: '10.0.0.1' });
    vi.unstubAllEnvs();
  });

  it('ignores forwarding headers for the audit address unless TRUST_PROXY is set', async () => {
    session.user = { pk: 1, email: 'admin@example.com', name: null, role: 'admin' };
    await action('admin', schema, run)(null, form({ name: 'Ada' }));
    expect(run).toHaveBeenCalledWith({ name: 'Ada' }, { db: { fake: 'db' }, user: session.user, ip: null });
  });

  it('turns command errors into messages and never leaks unexpected ones', async () => {
    session.user = { pk: 1, email: 'admin@example.com', name: null, role: 'admin' };
    const refused = action('admin', schema, () => {
      throw new AppError('invalid', 'That name is taken', [{ path: 'name', message: 'Choose another name' }]);
    });
    expect(await refused(null, form({ name: 'x' }))).toMatchObject({ ok: false, message: 'That name is taken', fieldErrors: { name: ['Choose another name'] } });
    const broken = action('admin', schema, () => {
      throw new Error('SQLITE_CORRUPT: secret details');
    });
    const spy = vi.spyOn(logger, 'error');
    const answer = await broken(null, form({ name: 'x' }));
    expect(answer.ok).toBe(false);
    expect(JSON.stringify(answer)).not.toContain('SQLITE');
    // The details go to the log, under the request's id.
    expect(spy).toHaveBeenCalledWith(expect.objectContaining({ err: expect.objectContaining({ message: 'SQLITE_CORRUPT: secret details' }), reqId: 'req-42' }), 'Server action failed');
    spy.mockRestore();
  });

  it('reads repeated fields as arrays and leaves out Next internals', () => {
    expect(formDataToObject(form({ a: ['1', '2'], b: '3', '$ACTION_ID_123': '' }))).toEqual({ a: ['1', '2'], b: '3' });
  });
});
