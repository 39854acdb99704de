import { describe, expect, it } from 'vitest';
import { milestoneOf } from './oulad';

describe('milestoneOf', () => {
  const due = { id: '25348', date: 25 };
  it('meets a milestone on the day of a submission by the deadline', () => {
    expect(milestoneOf(due, { day: 20, banked: false }, null)).toEqual({ type: 'milestone.met', day: 20 });
    expect(milestoneOf(due, { day: 25, banked: false }, null)).toEqual({ type: 'milestone.met', day: 25 });
  });
  it('misses it on the deadline day when late or never submitted', () => {
    expect(milestoneOf(due, { day: 26, banked: false }, null)).toEqual({ type: 'milestone.missed', day: 25 });
    expect(milestoneOf(due, undefined, null)).toEqual({ type: 'milestone.missed', day: 25 });
    expect(milestoneOf(due, { day: null, banked: false }, 90)).toEqual({ type: 'milestone.missed', day: 25 });
  });
  it('is neither for a student unregistered by the deadline, or a banked result', () => {
    expect(milestoneOf(due, undefined, 25)).toBeNull();
    expect(milestoneOf(due, undefined, 3)).toBeNull();
    expect(milestoneOf(due, { day: 200, banked: true }, null)).toBeNull();
  });
});
