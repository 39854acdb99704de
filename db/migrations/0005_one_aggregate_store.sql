DROP TABLE `agg_contact_daily`;--> statement-breakpoint
DROP TABLE `agg_daily`;--> statement-breakpoint
DROP TABLE `agg_feature_daily`;