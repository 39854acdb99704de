import { bandStyle } from '@/lib/bands';

/** A band always shows its label, never colour alone. */
export function BandBadge({ band, label, rank, className = '' }: { band: string | null; label: string; rank?: number; className?: string }) {
  return (
    <span className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${bandStyle(band, rank).badge} ${className}`}>
      <span aria-hidden className={`h-1.5 w-1.5 rounded-full ${bandStyle(band, rank).solid}`} />
      {label}
    </span>
  );
}
