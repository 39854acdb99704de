import { formatCount } from '@/lib/format';
import { LoadMoreButton } from './load-more-button';

/**
 * Below a ranked list listed a page at a time: how much of it is listed ("50 of 1,554 listed, the
 * most at stake first."), and the next page on request; "All N listed." once nothing is left.
 * `noun`: what is counted, when the list's heading does not say it ("accounts").
 */
export function MoreListed({ listed, total, page, noun, loading, onMore, controls, testId }: {
  listed: number; total: number; page: number; noun?: string; loading: boolean; onMore: () => void; controls: string; testId: string;
}) {
  const left = total - listed;
  const what = noun ? ` ${noun}` : '';
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-gray-700" data-testid={testId}>
      <p aria-live="polite">{left > 0 ? `${formatCount(listed)} of ${formatCount(total)}${what} listed, the most at stake first.` : `All ${formatCount(total)}${what} listed.`}</p>
      {left > 0 ? (
        <LoadMoreButton loading={loading} onLoad={onMore} controls={controls} size="sm">Show {formatCount(Math.min(page, left))} more</LoadMoreButton>
      ) : null}
    </div>
  );
}
