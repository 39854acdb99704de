/** Batch limits of the ingestion API (API.md; also stated on the API page and in the OpenAPI document). */
export const INGEST_LIMITS = {
  accounts: { maxItems: 5_000, maxBytes: 8 * 1024 * 1024 },
  contacts: { maxItems: 5_000, maxBytes: 4 * 1024 * 1024 },
  events: { maxItems: 10_000, maxBytes: 8 * 1024 * 1024 },
  outcomes: { maxItems: 5_000, maxBytes: 4 * 1024 * 1024 },
  /** Segment calls: Segment's own limits are 500 KB per batch and 32 KB per call */
  segment: { maxItems: 2_500, maxBytes: 4 * 1024 * 1024 },
} as const;
