ALTER TABLE `jobs` ADD `model_version` integer;--> statement-breakpoint
ALTER TABLE `jobs` ADD `last_account_pk` integer;--> statement-breakpoint
ALTER TABLE `jobs` ADD `done_items` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `jobs` ADD `total_items` integer DEFAULT 0 NOT NULL;