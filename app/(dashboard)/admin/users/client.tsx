'use client';

import { useActionState, useState, useTransition } from 'react';
import { RelativeTime } from '@/components/ui/relative-time';
import { ROLE_LABELS, ROLES, type Role } from '@/lib/roles';
import { firstErrors, type ActionResult } from '@/lib/action-result';
import { createUserAction, updateUserAction } from './actions';

interface User {
  pk: number;
  email: string;
  name: string | null;
  role: Role;
  lastLoginAt: string | null;
  disabled: boolean;
}

const inputClass = 'mt-1 block w-full rounded-md border border-gray-300 px-2 py-1.5 text-sm focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent';

function UserRow({ user, me }: { user: User; me: number }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const update = (patch: { role?: Role; disabled?: boolean }) =>
    start(async () => {
      const result = await updateUserAction({ pk: user.pk, ...patch });
      setError(result.ok ? null : result.message);
    });
  return (
    <tr className={user.disabled ? 'text-gray-500' : ''}>
      <td className="py-2 pr-3">{user.email}{user.pk === me ? <span className="ml-1 text-xs text-gray-600">(you)</span> : null}</td>
      <td className="pr-3">{user.name ?? '—'}</td>
      <td className="pr-3">
        <label className="sr-only" htmlFor={`role-${user.pk}`}>Role of {user.email}</label>
        <select id={`role-${user.pk}`} value={user.role} disabled={pending} onChange={(e) => update({ role: e.target.value as Role })} className="rounded-md border border-gray-300 px-2 py-1 text-sm">
          {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
        </select>
      </td>
      <td className="pr-3"><RelativeTime iso={user.lastLoginAt} /></td>
      <td className="pr-3">
        <button type="button" disabled={pending} onClick={() => update({ disabled: !user.disabled })} className="rounded-md border border-gray-300 bg-white px-2.5 py-1 text-xs font-medium hover:bg-gray-50">
          {user.disabled ? 'Enable' : 'Disable'}<span className="sr-only"> {user.email}</span>
        </button>
        {error ? <span role="alert" className="ml-2 text-xs text-red-800">{error}</span> : null}
      </td>
    </tr>
  );
}

export function UsersClient({ users, me, sso }: { users: User[]; me: number; sso: boolean }) {
  const [state, formAction, pending] = useActionState((prev: ActionResult<unknown> | null, form: FormData) => createUserAction(prev, form), null);
  const errors = firstErrors(state);
  const field = (name: string, label: string, type = 'text') => (
    <div>
      <label htmlFor={`new-${name}`} className="block text-xs font-medium text-gray-700">{label}</label>
      <input id={`new-${name}`} name={name} type={type} className={inputClass} aria-invalid={!!errors[name]} aria-describedby={errors[name] ? `new-${name}-error` : undefined} />
      {errors[name] ? <p id={`new-${name}-error`} className="mt-1 text-xs text-red-800">{errors[name]}</p> : null}
    </div>
  );
  return (
    <div className="space-y-6">
      <div className="overflow-x-auto rounded-lg border border-gray-200 bg-white p-3">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Users</caption>
          <thead className="text-xs uppercase text-gray-600">
            <tr><th scope="col" className="py-1">Email</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Last sign-in</th><th scope="col">Access</th></tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {users.map((u) => <UserRow key={u.pk} user={u} me={me} />)}
          </tbody>
        </table>
      </div>
      <form action={formAction} className="max-w-xl space-y-3 rounded-lg border border-gray-200 bg-white p-4" aria-label="Add a user">
        <h2 className="text-sm font-semibold">Add a user</h2>
        {field('email', 'Email', 'email')}
        {field('name', 'Name')}
        <div>
          <label htmlFor="new-role" className="block text-xs font-medium text-gray-700">Role</label>
          <select id="new-role" name="role" defaultValue="csm" className={inputClass}>
            {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
          </select>
        </div>
        {field('password', sso ? 'Password (at least 8 characters; empty: single sign-on only)' : 'Password (at least 8 characters)', 'password')}
        {state && !state.ok && !Object.keys(errors).length ? <p role="alert" className="text-xs text-red-800">{state.message}</p> : null}
        {state?.ok ? <p role="status" className="text-xs text-green-800">Saved.</p> : null}
        <button type="submit" disabled={pending} className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-strong disabled:opacity-60">
          {pending ? 'Saving…' : 'Add user'}
        </button>
      </form>
    </div>
  );
}
