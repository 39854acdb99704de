CREATE TABLE `account_activity` (
	`account_pk` integer PRIMARY KEY NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `accounts` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`tier` text,
	`lifecycle_stage` text,
	`arr` real DEFAULT 0 NOT NULL,
	`owner_email` text,
	`started_at` integer,
	`renewal_date` integer,
	`industry` text,
	`size` text,
	`attributes` text,
	`churned_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_id_uq` ON `accounts` (`id`);--> statement-breakpoint
CREATE INDEX `accounts_churned_idx` ON `accounts` (`churned_at`);--> statement-breakpoint
CREATE INDEX `accounts_owner_idx` ON `accounts` (`owner_email`);--> statement-breakpoint
CREATE INDEX `accounts_tier_idx` ON `accounts` (`tier`);--> statement-breakpoint
CREATE INDEX `accounts_name_idx` ON `accounts` (`name`);--> statement-breakpoint
CREATE INDEX `accounts_arr_idx` ON `accounts` (`arr`);--> statement-breakpoint
CREATE TABLE `agg_contact_daily` (
	`account_pk` integer NOT NULL,
	`day` integer NOT NULL,
	`contact_pk` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`account_pk`, `day`, `contact_pk`)
);
--> statement-breakpoint
CREATE INDEX `agg_contact_daily_contact_idx` ON `agg_contact_daily` (`contact_pk`,`day`);--> statement-breakpoint
CREATE INDEX `agg_contact_daily_day_idx` ON `agg_contact_daily` (`day`);--> statement-breakpoint
CREATE TABLE `agg_daily` (
	`account_pk` integer NOT NULL,
	`day` integer NOT NULL,
	`type` text NOT NULL,
	`n` integer NOT NULL,
	`props` text,
	PRIMARY KEY(`account_pk`, `day`, `type`)
);
--> statement-breakpoint
CREATE INDEX `agg_daily_day_idx` ON `agg_daily` (`day`);--> statement-breakpoint
CREATE TABLE `agg_feature_daily` (
	`account_pk` integer NOT NULL,
	`day` integer NOT NULL,
	`type` text NOT NULL,
	`feature` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`account_pk`, `day`, `type`, `feature`)
);
--> statement-breakpoint
CREATE INDEX `agg_feature_daily_day_idx` ON `agg_feature_daily` (`day`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_pk` integer NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`severity` text NOT NULL,
	`title` text NOT NULL,
	`evidence` text,
	`flag_pk` integer,
	`created_at` integer NOT NULL,
	`acknowledged_at` integer,
	`acknowledged_by_user_pk` integer,
	`snoozed_until` integer,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`acknowledged_by_user_pk`) REFERENCES `users`(`pk`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `alerts_account_idx` ON `alerts` (`account_pk`,`created_at`);--> statement-breakpoint
CREATE INDEX `alerts_open_idx` ON `alerts` (`acknowledged_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`scope` text NOT NULL,
	`created_by_user_pk` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`created_by_user_pk`) REFERENCES `users`(`pk`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_uq` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`actor` text NOT NULL,
	`actor_user_pk` integer,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`details` text,
	`ip` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_action_at_idx` ON `audit_log` (`action`,`at`);--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target_type`,`target_id`);--> statement-breakpoint
CREATE TABLE `band_changes` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_pk` integer NOT NULL,
	`from_band` text,
	`to_band` text,
	`score` real,
	`at` integer NOT NULL,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `band_changes_account_idx` ON `band_changes` (`account_pk`,`at`);--> statement-breakpoint
CREATE INDEX `band_changes_at_idx` ON `band_changes` (`at`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`account_pk` integer NOT NULL,
	`name` text,
	`email` text,
	`role` text,
	`department` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_id_uq` ON `contacts` (`id`);--> statement-breakpoint
CREATE INDEX `contacts_account_idx` ON `contacts` (`account_pk`);--> statement-breakpoint
CREATE TABLE `events` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text,
	`account_pk` integer NOT NULL,
	`contact_pk` integer,
	`type` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	`properties` text,
	`source` text,
	`received_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_pk`) REFERENCES `contacts`(`pk`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_id_uq` ON `events` (`id`) WHERE "events"."id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `events_account_time_idx` ON `events` (`account_pk`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `features` (
	`key` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`tier` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`retired_at` integer
);
--> statement-breakpoint
CREATE TABLE `flags` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_pk` integer NOT NULL,
	`key` text NOT NULL,
	`severity` text NOT NULL,
	`evidence` text NOT NULL,
	`data` text,
	`raised_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`cleared_at` integer,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `flags_account_open_idx` ON `flags` (`account_pk`,`cleared_at`);--> statement-breakpoint
CREATE INDEX `flags_raised_idx` ON `flags` (`raised_at`);--> statement-breakpoint
CREATE TABLE `history_stale` (
	`account_pk` integer PRIMARY KEY NOT NULL,
	`from_day` integer NOT NULL,
	`queued_at` integer NOT NULL,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `import_runs` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`filename` text,
	`status` text NOT NULL,
	`total_rows` integer DEFAULT 0 NOT NULL,
	`written_rows` integer DEFAULT 0 NOT NULL,
	`skipped_rows` integer DEFAULT 0 NOT NULL,
	`report` text,
	`created_by_user_pk` integer,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `import_runs_started_idx` ON `import_runs` (`started_at`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`progress` real DEFAULT 0 NOT NULL,
	`message` text,
	`created_by_user_pk` integer,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_kind_started_idx` ON `jobs` (`kind`,`started_at`);--> statement-breakpoint
CREATE TABLE `login_throttle` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`last_failure_at` integer NOT NULL,
	`blocked_until` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `model_drafts` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_pk` integer NOT NULL,
	`base_version` integer,
	`model` text NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_pk`) REFERENCES `users`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `model_drafts_user_uq` ON `model_drafts` (`user_pk`);--> statement-breakpoint
CREATE TABLE `model_versions` (
	`version` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`model` text NOT NULL,
	`author` text NOT NULL,
	`note` text,
	`rollback_of` integer,
	`published_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outcomes` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text,
	`account_pk` integer NOT NULL,
	`type` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`arr_delta` real,
	`reason` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outcomes_id_uq` ON `outcomes` (`id`) WHERE "outcomes"."id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `outcomes_account_time_idx` ON `outcomes` (`account_pk`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `outcomes_type_time_idx` ON `outcomes` (`type`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `overrides` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_pk` integer NOT NULL,
	`band` text NOT NULL,
	`reason` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_by_user_pk` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`revoked_at` integer,
	`revoked_by_user_pk` integer,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by_user_pk`) REFERENCES `users`(`pk`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `overrides_account_idx` ON `overrides` (`account_pk`,`expires_at`);--> statement-breakpoint
CREATE TABLE `score_snapshots` (
	`account_pk` integer NOT NULL,
	`day` integer NOT NULL,
	`model_version` integer NOT NULL,
	`score` real,
	`band` text,
	`dimensions` text,
	PRIMARY KEY(`account_pk`, `day`)
);
--> statement-breakpoint
CREATE INDEX `score_snapshots_day_idx` ON `score_snapshots` (`day`);--> statement-breakpoint
CREATE TABLE `scores` (
	`account_pk` integer PRIMARY KEY NOT NULL,
	`model_version` integer NOT NULL,
	`as_of` integer NOT NULL,
	`state` text NOT NULL,
	`score` real,
	`band` text,
	`partial` integer DEFAULT false NOT NULL,
	`dimensions` text,
	`velocity` real,
	`touchpoints` integer DEFAULT 0 NOT NULL,
	`previous_touchpoints` integer DEFAULT 0 NOT NULL,
	`previous_score` real,
	`score_change` real,
	`below_target` integer DEFAULT false NOT NULL,
	`flags` text,
	`flag_count` integer DEFAULT 0 NOT NULL,
	`red_flag_count` integer DEFAULT 0 NOT NULL,
	`computed_at` integer NOT NULL,
	FOREIGN KEY (`account_pk`) REFERENCES `accounts`(`pk`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `scores_band_score_idx` ON `scores` (`band`,`score`);--> statement-breakpoint
CREATE INDEX `scores_score_idx` ON `scores` (`score`);--> statement-breakpoint
CREATE INDEX `scores_velocity_idx` ON `scores` (`velocity`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `trigger_aliases` (
	`name` text PRIMARY KEY NOT NULL,
	`trigger_key` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`trigger_key`) REFERENCES `triggers`(`key`) ON UPDATE cascade ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `triggers` (
	`key` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`description` text,
	`properties` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`retired_at` integer
);
--> statement-breakpoint
CREATE TABLE `users` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text,
	`role` text NOT NULL,
	`password_hash` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_login_at` integer,
	`disabled_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_uq` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`webhook_pk` integer NOT NULL,
	`alert_pk` integer,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status_code` integer,
	`last_error` text,
	`next_attempt_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`webhook_pk`) REFERENCES `webhooks`(`pk`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`alert_pk`) REFERENCES `alerts`(`pk`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`url` text NOT NULL,
	`secret` text NOT NULL,
	`events` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
