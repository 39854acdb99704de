'use client';

import { useEffect, useState } from 'react';

export interface JobState {
  pk: number;
  status: 'running' | 'done' | 'failed';
  progress: number;
  message: string | null;
}

/** Polls a job until it ends; `onEnd` runs once when it does. */
export function useJob(pk: number | null, onEnd: (job: JobState) => void): JobState | null {
  const [job, setJob] = useState<JobState | null>(null);
  useEffect(() => {
    if (pk === null) return;
    let stopped = false;
    const poll = async () => {
      try {
        const response = await fetch(`/api/app/jobs/${pk}`, { cache: 'no-store' });
        if (response.ok) {
          const next = (await response.json()) as JobState;
          if (stopped) return;
          setJob(next);
          if (next.status !== 'running') {
            onEnd(next);
            return;
          }
        }
      } catch {
        // A failed poll is retried below; the job itself goes on in the server.
      }
      if (!stopped) setTimeout(poll, 500);
    };
    void poll();
    return () => {
      stopped = true;
    };
    // onEnd is a callback of the caller's render; polling restarts only for a new job.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pk]);
  return job;
}

export function JobProgress({ job, label }: { job: JobState | null; label: string }) {
  if (!job) return <p className="text-sm text-gray-700" role="status">{label}: starting…</p>;
  const percent = Math.round(job.progress * 100);
  return (
    <div className="space-y-1" role="status">
      <div className="h-2 w-full overflow-hidden rounded bg-gray-100" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className={`h-full ${job.status === 'failed' ? 'bg-red-600' : 'bg-accent'}`} style={{ width: `${percent}%` }} />
      </div>
      <p className={`text-xs ${job.status === 'failed' ? 'text-red-800' : 'text-gray-700'}`}>{job.status === 'done' ? '' : `${percent}% · `}{job.message}</p>
    </div>
  );
}
