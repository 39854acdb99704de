/** What failed, said plainly, with a way to try again. */
export function ErrorAlert({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
      {message} <button type="button" className="font-medium underline" onClick={onRetry}>Try again</button>
    </div>
  );
}
