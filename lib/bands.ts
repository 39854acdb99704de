/**
 * Band colours: the only loud colours in the product, the same everywhere, always with a text
 * label. Bands named like the default ones keep their colour; others take one by rank.
 */
export interface BandStyle {
  badge: string;
  card: string;
  solid: string;
  /** hex colour for charts */
  hex: string;
}

const STYLES: Record<string, BandStyle> = {
  green: { badge: 'bg-band-green text-band-green-fg', card: 'border-band-green-solid', solid: 'bg-band-green-solid', hex: '#16a34a' },
  yellow: { badge: 'bg-band-yellow text-band-yellow-fg', card: 'border-band-yellow-solid', solid: 'bg-band-yellow-solid', hex: '#ca8a04' },
  orange: { badge: 'bg-band-orange text-band-orange-fg', card: 'border-band-orange-solid', solid: 'bg-band-orange-solid', hex: '#ea580c' },
  red: { badge: 'bg-band-red text-band-red-fg', card: 'border-band-red-solid', solid: 'bg-band-red-solid', hex: '#dc2626' },
  no_data: { badge: 'bg-band-grey text-band-grey-fg', card: 'border-band-grey-solid', solid: 'bg-band-grey-solid', hex: '#9ca3af' },
};
const BY_RANK = ['green', 'yellow', 'orange', 'red'];

export const NO_DATA = { key: 'no_data', label: 'No data', action: 'No activity recorded yet: check the integration or the account’s contacts.' };

export function bandStyle(key: string | null | undefined, rank?: number): BandStyle {
  if (!key || key === 'no_data') return STYLES.no_data;
  return STYLES[key] ?? STYLES[BY_RANK[Math.min(rank ?? 3, 3)]];
}

export interface BandInfo {
  key: string;
  label: string;
  min: number;
  action: string;
}
