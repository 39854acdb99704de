ALTER TABLE "rescore_pending" ADD COLUMN "seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rescore_pending" ADD COLUMN "claimed_until" bigint;