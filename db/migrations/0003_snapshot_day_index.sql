CREATE INDEX `score_snapshots_day_account_idx` ON `score_snapshots` (`day`,`account_pk`,`band`,`score`);--> statement-breakpoint
DROP INDEX `score_snapshots_day_idx`;
