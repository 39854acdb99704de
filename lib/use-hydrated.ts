import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/**
 * False while the server renders and while the browser hydrates that HTML, true from the render
 * right after (and at once in a component first mounted in the browser). Long lists render their
 * first rows on the server and the rest after hydration, so that a server render stays cheap.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(subscribe, () => true, () => false);
}

/** Rows of a long list rendered into the server's HTML; the rest follow after hydration. */
export const SERVER_ROWS = 20;
