/**
 * "Load more" under a list. While the next part loads it says so and ignores clicks, but stays
 * enabled (aria-disabled, not disabled): a disabled button would drop the keyboard focus to the
 * page's start, and the user would have to find their place again.
 */
export function LoadMoreButton({ loading, onLoad, controls, size = 'md', children }: { loading: boolean; onLoad: () => void; controls?: string; size?: 'sm' | 'md'; children: React.ReactNode }) {
  return (
    <button type="button" onClick={loading ? undefined : onLoad} aria-disabled={loading} aria-controls={controls}
      className={`rounded-md border border-gray-300 bg-white font-medium text-gray-800 hover:bg-gray-50 aria-disabled:opacity-60 ${size === 'sm' ? 'px-2.5 py-1 text-xs' : 'px-4 py-2 text-sm'}`}>
      {loading ? 'Loading…' : children}
    </button>
  );
}
