import { describe, expect, it } from 'vitest';
import { duringIngest, ingestIsBusy } from './ingest-activity';

describe('ingest activity', () => {
  it('is busy for as long as a group is being written, however long, and for a while after', async () => {
    // Far past any real clock, so that what other tests in this process did does not count.
    let clock = 1e15;
    let finish!: () => void;
    const writing = duringIngest(() => new Promise<string>((resolve) => (finish = () => resolve('done'))), () => clock);
    clock += 60_000;
    expect(ingestIsBusy(1_000, clock)).toBe(true);
    finish();
    await expect(writing).resolves.toBe('done');
    expect(ingestIsBusy(1_000, clock + 500)).toBe(true);
    expect(ingestIsBusy(1_000, clock + 1_500)).toBe(false);
  });

  it('ends the activity of a write that fails', async () => {
    const clock = 2e15;
    await expect(duringIngest(() => Promise.reject(new Error('lost')), () => clock)).rejects.toThrow('lost');
    expect(ingestIsBusy(1_000, clock + 1_500)).toBe(false);
  });
});
