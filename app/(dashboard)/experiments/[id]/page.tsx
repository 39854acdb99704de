import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getStore } from '@/db/client';
import { hasRole } from '@/lib/roles';
import { experimentFormOptions, experimentReportForDay, getExperiment, listAssignments } from '@/lib/server/queries/experiments';
import { requirePageRole } from '@/lib/server/session';
import { ExperimentClient } from './client';

export const metadata: Metadata = { title: 'Experiment' };
export const dynamic = 'force-dynamic';

/** One experiment: its definition, assignment and report (`?asOf=YYYY-MM-DD`: as of the end of that day). */
export default async function Page({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const key = decodeURIComponent(id);
  const user = await requirePageRole('csm', `/experiments/${encodeURIComponent(key)}`);
  const db = await getStore();
  const experiment = await getExperiment(db, key);
  if (!experiment) notFound();
  const query = await searchParams;
  const asOfDay = typeof query.asOf === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(query.asOf) ? query.asOf : null;
  const [report, options, accounts] = await Promise.all([experimentReportForDay(db, experiment, asOfDay), experimentFormOptions(db), listAssignments(db, experiment.id, { limit: 100 })]);
  return <ExperimentClient experiment={experiment} report={report} options={options} accounts={accounts.data} canStop={hasRole(user.role, 'manager')} created={query.created === '1'} />;
}
