import { EmptyState } from './empty-state';

/** Said plainly where a page exists in the navigation but its feature is not built yet. */
export function NotBuilt({ what }: { what: string }) {
  return (
    <EmptyState title="This page is not built yet">
      <p>{what}</p>
    </EmptyState>
  );
}
