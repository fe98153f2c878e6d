CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`role` text NOT NULL,
	`operator_id` text,
	`label` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`revoked_at` text,
	`last_used_at` text,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`actor_role` text NOT NULL,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`before` text,
	`after` text,
	`request_id` text
);
--> statement-breakpoint
CREATE INDEX `audit_entity` ON `audit_log` (`entity_type`,`entity_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_actor` ON `audit_log` (`actor`,`at`);--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `commitments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`village_code` text NOT NULL,
	`operator_id` text NOT NULL,
	`target_date` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`blockers` text DEFAULT '[]' NOT NULL,
	`notes` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_by` text,
	`updated_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`village_code`) REFERENCES `villages`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `commitments_village` ON `commitments` (`village_code`);--> statement-breakpoint
CREATE INDEX `commitments_operator` ON `commitments` (`operator_id`,`target_date`);--> statement-breakpoint
CREATE TABLE `coverage` (
	`village_code` text NOT NULL,
	`operator_id` text NOT NULL,
	`tech` text NOT NULL,
	`source` text NOT NULL,
	`level` text NOT NULL,
	`effective` integer NOT NULL,
	`station_id` text,
	`distance_m` integer,
	`measurement_id` integer,
	`verified_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`village_code`, `operator_id`, `tech`, `source`),
	FOREIGN KEY (`village_code`) REFERENCES `villages`(`code`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `coverage_station` ON `coverage` (`station_id`);--> statement-breakpoint
CREATE INDEX `coverage_effective` ON `coverage` (`operator_id`,`tech`,`effective`,`level`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`key` text NOT NULL,
	`actor` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`actor`, `key`)
);
--> statement-breakpoint
CREATE TABLE `measurements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lat` real NOT NULL,
	`lon` real NOT NULL,
	`operator_id` text NOT NULL,
	`tech` text NOT NULL,
	`level` text NOT NULL,
	`signal_dbm` real,
	`measured_at` text NOT NULL,
	`source` text NOT NULL,
	`recorded_by` text NOT NULL,
	`device_note` text,
	`village_code` text,
	`distance_m` integer,
	`idempotency_key` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `measurements_village` ON `measurements` (`village_code`,`measured_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `measurements_idempotency` ON `measurements` (`idempotency_key`);--> statement-breakpoint
CREATE TABLE `operators` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`legal_name` text,
	`mcc_mnc` text,
	`color` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `progress_snapshots` (
	`unit_code` text NOT NULL,
	`unit_era` text NOT NULL,
	`date` text NOT NULL,
	`villages_total` integer NOT NULL,
	`villages_covered` integer NOT NULL,
	`villages_uncovered` integer NOT NULL,
	`villages_unknown` integer NOT NULL,
	`coverage_pct` real,
	`stations_total` integer NOT NULL,
	`stations_on_air` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`unit_code`, `unit_era`, `date`)
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stations` (
	`id` text PRIMARY KEY NOT NULL,
	`operator_id` text NOT NULL,
	`site_code` text NOT NULL,
	`name` text,
	`lat` real NOT NULL,
	`lon` real NOT NULL,
	`technologies` text NOT NULL,
	`antenna_height_m` real,
	`status` text DEFAULT 'planned' NOT NULL,
	`planned_on_air_date` text,
	`planned_at` text,
	`permitted_at` text,
	`building_at` text,
	`on_air_at` text,
	`outage_at` text,
	`decommissioned_at` text,
	`province_code` text,
	`commune_code` text,
	`old_province_code` text,
	`old_district_code` text,
	`old_commune_code` text,
	`synthetic` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_by` text,
	`updated_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stations_operator_site` ON `stations` (`operator_id`,`site_code`);--> statement-breakpoint
CREATE INDEX `stations_status` ON `stations` (`status`);--> statement-breakpoint
CREATE INDEX `stations_latlon` ON `stations` (`lat`,`lon`);--> statement-breakpoint
CREATE INDEX `stations_commune` ON `stations` (`commune_code`);--> statement-breakpoint
CREATE INDEX `stations_old_commune` ON `stations` (`old_commune_code`);--> statement-breakpoint
CREATE INDEX `stations_old_district` ON `stations` (`old_district_code`);--> statement-breakpoint
CREATE TABLE `unit_successions` (
	`old_code` text NOT NULL,
	`new_code` text NOT NULL,
	`merge_type` text NOT NULL,
	`effective_date` text NOT NULL,
	PRIMARY KEY(`old_code`, `new_code`)
);
--> statement-breakpoint
CREATE INDEX `unit_successions_new` ON `unit_successions` (`new_code`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`era` text NOT NULL,
	`level` text NOT NULL,
	`name` text NOT NULL,
	`full_name` text NOT NULL,
	`name_en` text,
	`name_normalized` text NOT NULL,
	`unit_type` text,
	`parent_code` text,
	`valid_from` text,
	`valid_to` text,
	`area_km2` real,
	`centroid_lat` real,
	`centroid_lon` real
);
--> statement-breakpoint
CREATE UNIQUE INDEX `units_code_era` ON `units` (`code`,`era`);--> statement-breakpoint
CREATE INDEX `units_parent` ON `units` (`parent_code`,`era`);--> statement-breakpoint
CREATE TABLE `village_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`village_code` text NOT NULL,
	`at` text NOT NULL,
	`from_state` text,
	`to_state` text NOT NULL,
	`from_best_tech` text,
	`to_best_tech` text,
	`cause` text NOT NULL,
	`station_id` text,
	`measurement_id` integer,
	`actor` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `village_events_village` ON `village_events` (`village_code`,`at`);--> statement-breakpoint
CREATE TABLE `villages` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_normalized` text NOT NULL,
	`province_code` text NOT NULL,
	`commune_code` text NOT NULL,
	`old_province_code` text,
	`old_district_code` text,
	`old_commune_code` text,
	`lat` real,
	`lon` real,
	`households` integer,
	`population` integer,
	`synthetic` integer DEFAULT false NOT NULL,
	`coverage_state` text DEFAULT 'unknown' NOT NULL,
	`best_tech` text,
	`coverage_changed_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `villages_commune` ON `villages` (`commune_code`,`coverage_state`);--> statement-breakpoint
CREATE INDEX `villages_old_commune` ON `villages` (`old_commune_code`,`coverage_state`);--> statement-breakpoint
CREATE INDEX `villages_old_district` ON `villages` (`old_district_code`,`coverage_state`);--> statement-breakpoint
CREATE INDEX `villages_province` ON `villages` (`province_code`,`coverage_state`);--> statement-breakpoint
CREATE INDEX `villages_old_province` ON `villages` (`old_province_code`,`coverage_state`);--> statement-breakpoint
CREATE INDEX `villages_state` ON `villages` (`coverage_state`);--> statement-breakpoint
CREATE INDEX `villages_latlon` ON `villages` (`lat`,`lon`);--> statement-breakpoint
CREATE INDEX `villages_name` ON `villages` (`name_normalized`);