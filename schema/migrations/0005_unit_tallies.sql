CREATE TABLE `unit_claim_tallies` (
	`era` text NOT NULL,
	`code` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`villages` integer NOT NULL,
	PRIMARY KEY(`era`, `code`, `kind`, `value`)
);
--> statement-breakpoint
CREATE TABLE `unit_station_tallies` (
	`era` text NOT NULL,
	`code` text NOT NULL,
	`operator_id` text NOT NULL,
	`status` text NOT NULL,
	`stations` integer NOT NULL,
	PRIMARY KEY(`era`, `code`, `operator_id`, `status`)
);
--> statement-breakpoint
CREATE TABLE `unit_tallies` (
	`era` text NOT NULL,
	`code` text NOT NULL,
	`villages` integer NOT NULL,
	`good` integer NOT NULL,
	`weak` integer NOT NULL,
	`none` integer NOT NULL,
	`unknown` integer NOT NULL,
	`best_2g` integer NOT NULL,
	`best_3g` integer NOT NULL,
	`best_4g` integer NOT NULL,
	`best_5g` integer NOT NULL,
	PRIMARY KEY(`era`, `code`)
);
