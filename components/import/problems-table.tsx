/** Rows with problems: the row number as a spreadsheet shows it, the field and the reason. */
export function ProblemsTable({ problems, caption }: { problems: { row: number; field: string; message: string }[]; caption: string }) {
  return (
    <div className="max-h-96 overflow-auto rounded-lg border border-gray-200" tabIndex={0} aria-label={caption}>
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 bg-gray-50">
          <tr>
            {['Row', 'Field', 'Problem'].map((h) => <th key={h} scope="col" className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-gray-600">{h}</th>)}
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {problems.map((p, i) => (
            <tr key={`${p.row}-${i}`}>
              <td className="tabular whitespace-nowrap px-3 py-1.5">{p.row}</td>
              <td className="whitespace-nowrap px-3 py-1.5 font-mono text-xs">{p.field}</td>
              <td className="px-3 py-1.5 text-red-900">{p.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
