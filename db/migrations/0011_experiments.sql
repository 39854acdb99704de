CREATE TABLE `experiment_assignments` (
	`experiment_pk` integer NOT NULL,
	`account_pk` integer NOT NULL,
	`arm` text NOT NULL,
	`stratum` text NOT NULL,
	`position` integer NOT NULL,
	`assigned_at` integer NOT NULL,
	`late` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`experiment_pk`, `account_pk`),
	FOREIGN KEY (`experiment_pk`) REFERENCES `experiments`(`pk`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `experiment_assignments_account_idx` ON `experiment_assignments` (`account_pk`);--> statement-breakpoint
CREATE TABLE `experiments` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`hypothesis` text,
	`population` text NOT NULL,
	`arms` text NOT NULL,
	`stratify_by` text NOT NULL,
	`seed` integer NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer,
	`late_joiners` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`stopped_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `experiments_key_uq` ON `experiments` (`key`);--> statement-breakpoint
CREATE INDEX `experiments_end_idx` ON `experiments` (`end_at`);