/** The published cadence versions, newest first, with who published each, when and why. */
import { RelativeTime } from '@/components/ui/relative-time';
import type { CadenceVersionEntry } from '@/lib/server/queries/cadence-admin';

export function CadenceVersions({ versions }: { versions: readonly CadenceVersionEntry[] }) {
  return (
    <section aria-labelledby="cadence-versions-heading" className="rounded-lg border border-gray-200 bg-white p-4">
      <h2 id="cadence-versions-heading" className="text-base font-semibold text-gray-900">Version history</h2>
      {versions.length === 0 ? (
        <p className="mt-2 text-sm text-gray-600">Nothing published yet: the framework&apos;s default cadence is live. Publishing a change makes it version 1.</p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Published cadence versions, newest first</caption>
            <thead>
              <tr className="border-b border-gray-200 text-left text-xs font-medium text-gray-700">
                <th scope="col" className="px-2 py-1.5">Version</th>
                <th scope="col" className="px-2 py-1.5">Published by</th>
                <th scope="col" className="px-2 py-1.5">When</th>
                <th scope="col" className="px-2 py-1.5">Note</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v, i) => (
                <tr key={v.version} className="border-b border-gray-100 align-top last:border-0">
                  <th scope="row" className="px-2 py-1.5 text-left font-medium tabular text-gray-900">
                    {v.version}{' '}
                    {i === 0 ? <span className="ml-2 rounded bg-green-50 px-1.5 py-0.5 text-xs font-medium text-green-900">live</span> : null}
                  </th>
                  <td className="px-2 py-1.5 text-gray-800">{v.author}</td>
                  <td className="px-2 py-1.5 text-gray-800"><RelativeTime iso={v.publishedAt} /></td>
                  <td className="px-2 py-1.5 text-gray-800">{v.note ?? <span className="text-gray-600">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
