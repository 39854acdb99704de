-- The aggregate tables become WITHOUT ROWID: each is then one b-tree ordered by its primary key
-- (account, day, ...), so reading an account's days is one range scan instead of an index scan
-- plus a table lookup per row, and the files shrink (no separate primary-key index). Same
-- columns, same primary keys, same secondary indexes. Rows are copied in key order.
CREATE TABLE `__new_agg_daily` (
	`account_pk` integer NOT NULL,
	`day` integer NOT NULL,
	`type` text NOT NULL,
	`n` integer NOT NULL,
	`props` text,
	PRIMARY KEY(`account_pk`, `day`, `type`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_agg_daily` (`account_pk`, `day`, `type`, `n`, `props`)
	SELECT `account_pk`, `day`, `type`, `n`, `props` FROM `agg_daily` ORDER BY `account_pk`, `day`, `type`;
--> statement-breakpoint
DROP TABLE `agg_daily`;
--> statement-breakpoint
ALTER TABLE `__new_agg_daily` RENAME TO `agg_daily`;
--> statement-breakpoint
CREATE INDEX `agg_daily_day_idx` ON `agg_daily` (`day`);
--> statement-breakpoint
CREATE TABLE `__new_agg_contact_daily` (
	`account_pk` integer NOT NULL,
	`day` integer NOT NULL,
	`contact_pk` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`account_pk`, `day`, `contact_pk`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_agg_contact_daily` (`account_pk`, `day`, `contact_pk`, `n`)
	SELECT `account_pk`, `day`, `contact_pk`, `n` FROM `agg_contact_daily` ORDER BY `account_pk`, `day`, `contact_pk`;
--> statement-breakpoint
DROP TABLE `agg_contact_daily`;
--> statement-breakpoint
ALTER TABLE `__new_agg_contact_daily` RENAME TO `agg_contact_daily`;
--> statement-breakpoint
CREATE INDEX `agg_contact_daily_contact_idx` ON `agg_contact_daily` (`contact_pk`,`day`);
--> statement-breakpoint
CREATE INDEX `agg_contact_daily_day_idx` ON `agg_contact_daily` (`day`);
--> statement-breakpoint
CREATE TABLE `__new_agg_feature_daily` (
	`account_pk` integer NOT NULL,
	`day` integer NOT NULL,
	`type` text NOT NULL,
	`feature` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`account_pk`, `day`, `type`, `feature`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_agg_feature_daily` (`account_pk`, `day`, `type`, `feature`, `n`)
	SELECT `account_pk`, `day`, `type`, `feature`, `n` FROM `agg_feature_daily` ORDER BY `account_pk`, `day`, `type`, `feature`;
--> statement-breakpoint
DROP TABLE `agg_feature_daily`;
--> statement-breakpoint
ALTER TABLE `__new_agg_feature_daily` RENAME TO `agg_feature_daily`;
--> statement-breakpoint
CREATE INDEX `agg_feature_daily_day_idx` ON `agg_feature_daily` (`day`);
