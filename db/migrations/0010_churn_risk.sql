CREATE TABLE `risk_models` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`model_version` integer NOT NULL,
	`horizon_days` integer NOT NULL,
	`fitted_at` integer NOT NULL,
	`features` text NOT NULL,
	`coefficients` text NOT NULL,
	`intercept` real NOT NULL,
	`means` text NOT NULL,
	`calibration` text NOT NULL,
	`samples` integer NOT NULL,
	`accounts` integer NOT NULL,
	`churned` integer NOT NULL,
	`training` text NOT NULL,
	`held_out` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `risk_models_version_idx` ON `risk_models` (`model_version`,`pk`);--> statement-breakpoint
ALTER TABLE `scores` ADD `churn_risk` real;--> statement-breakpoint
CREATE INDEX `scores_churn_risk_idx` ON `scores` (`churn_risk`);