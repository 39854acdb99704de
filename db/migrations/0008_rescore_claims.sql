ALTER TABLE `rescore_pending` ADD `seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rescore_pending` ADD `claimed_until` integer;