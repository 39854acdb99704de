import type { ExperimentState } from '@/lib/experiments/definition';

const STYLES: Record<ExperimentState, string> = {
  running: 'border-green-300 bg-green-50 text-green-900',
  planned: 'border-blue-300 bg-blue-50 text-blue-900',
  finished: 'border-gray-300 bg-gray-100 text-gray-800',
};
const LABELS: Record<ExperimentState, string> = { running: 'Running', planned: 'Planned', finished: 'Finished' };

export function StateBadge({ state }: { state: ExperimentState }) {
  return <span className={`inline-flex rounded-full border px-2 py-0.5 text-xs font-medium ${STYLES[state]}`}>{LABELS[state]}</span>;
}
