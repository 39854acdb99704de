export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-gray-300 bg-white px-6 py-10 text-center">
      <p className="text-sm font-medium text-gray-900">{title}</p>
      {children ? <div className="mx-auto mt-2 max-w-prose text-sm text-gray-600">{children}</div> : null}
    </div>
  );
}
