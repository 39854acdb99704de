/** Reading Prometheus's text format in tests: one sample's value by name and labels. */

function labelsOf(text: string | undefined): Map<string, string> {
  const labels = new Map<string, string>();
  for (const m of (text ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels.set(m[1]!, m[2]!.replace(/\\(.)/g, '$1'));
  return labels;
}

/** Every sample of `name` as its labels and value. */
export function samples(text: string, name: string): { labels: Map<string, string>; value: number }[] {
  const found: { labels: Map<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m && m[1] === name) found.push({ labels: labelsOf(m[2]), value: Number(m[3]) });
  }
  return found;
}

/** The value of the sample of `name` whose labels include `labels`; undefined when there is none. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return samples(text, name).find((s) => Object.entries(labels).every(([k, v]) => s.labels.get(k) === v))?.value;
}
