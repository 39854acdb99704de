ALTER TABLE "jobs" ADD COLUMN "model_version" bigint;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "last_account_pk" bigint;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "done_items" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "total_items" bigint DEFAULT 0 NOT NULL;