CREATE TABLE `rescore_pending` (
	`account_pk` integer PRIMARY KEY NOT NULL,
	`queued_at` integer NOT NULL,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rescore_pending_queued_idx` ON `rescore_pending` (`queued_at`);