ALTER TABLE "scores" ALTER COLUMN "partial" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "scores" ALTER COLUMN "partial" SET DATA TYPE bigint USING (CASE WHEN "partial" THEN 1 ELSE 0 END);--> statement-breakpoint
ALTER TABLE "scores" ALTER COLUMN "partial" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "scores" ALTER COLUMN "below_target" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "scores" ALTER COLUMN "below_target" SET DATA TYPE bigint USING (CASE WHEN "below_target" THEN 1 ELSE 0 END);--> statement-breakpoint
ALTER TABLE "scores" ALTER COLUMN "below_target" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "webhooks" ALTER COLUMN "active" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "webhooks" ALTER COLUMN "active" SET DATA TYPE bigint USING (CASE WHEN "active" THEN 1 ELSE 0 END);--> statement-breakpoint
ALTER TABLE "webhooks" ALTER COLUMN "active" SET DEFAULT 1;
