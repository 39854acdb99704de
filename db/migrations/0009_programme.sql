CREATE TABLE `account_touches` (
	`account_pk` integer NOT NULL,
	`touch` text NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`account_pk`, `touch`),
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `cadence_status` (
	`account_pk` integer NOT NULL,
	`item_key` text NOT NULL,
	`every_days` integer NOT NULL,
	`last_at` integer,
	`last_touch` text,
	`due_at` integer NOT NULL,
	`cadence_version` integer NOT NULL,
	PRIMARY KEY(`account_pk`, `item_key`),
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `cadence_status_due_idx` ON `cadence_status` (`due_at`);--> statement-breakpoint
CREATE TABLE `cadence_versions` (
	`version` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cadence` text NOT NULL,
	`author` text NOT NULL,
	`note` text,
	`published_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `playbook_runs` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`playbook_pk` integer NOT NULL,
	`account_pk` integer NOT NULL,
	`reason` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`playbook_pk`) REFERENCES `playbooks`(`pk`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `playbook_runs_open_uq` ON `playbook_runs` (`playbook_pk`,`account_pk`) WHERE "playbook_runs"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX `playbook_runs_account_idx` ON `playbook_runs` (`account_pk`,`started_at`);--> statement-breakpoint
CREATE TABLE `playbooks` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`condition` text NOT NULL,
	`tiers` text,
	`steps` text NOT NULL,
	`auto_close` integer DEFAULT true NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `playbooks_key_uq` ON `playbooks` (`key`);--> statement-breakpoint
CREATE TABLE `task_notes` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_pk` integer NOT NULL,
	`author_email` text,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`task_pk`) REFERENCES `tasks`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `task_notes_task_idx` ON `task_notes` (`task_pk`,`created_at`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_pk` integer NOT NULL,
	`owner_email` text,
	`title` text NOT NULL,
	`reason` text,
	`playbook_pk` integer,
	`run_pk` integer,
	`step` integer,
	`due_at` integer NOT NULL,
	`state` text DEFAULT 'open' NOT NULL,
	`snoozed_until` integer,
	`created_at` integer NOT NULL,
	`created_by_user_pk` integer,
	`done_at` integer,
	`done_by_user_pk` integer,
	`closed_reason` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`playbook_pk`) REFERENCES `playbooks`(`pk`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`run_pk`) REFERENCES `playbook_runs`(`pk`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by_user_pk`) REFERENCES `users`(`pk`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`done_by_user_pk`) REFERENCES `users`(`pk`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `tasks_owner_state_due_idx` ON `tasks` (`owner_email`,`state`,`due_at`);--> statement-breakpoint
CREATE INDEX `tasks_account_state_idx` ON `tasks` (`account_pk`,`state`);--> statement-breakpoint
CREATE INDEX `tasks_run_idx` ON `tasks` (`run_pk`);