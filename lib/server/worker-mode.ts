/** Whether this process does the background work (web processes skip it with TRELLIS_WORKER=off). */
export function backgroundWorkHere(env: Record<string, string | undefined> = process.env): boolean {
  return (env.TRELLIS_WORKER ?? '').trim().toLowerCase() !== 'off';
}
