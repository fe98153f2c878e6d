CREATE TABLE `challenges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`village_code` text NOT NULL,
	`operator_id` text NOT NULL,
	`tech` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`evidence_from` text NOT NULL,
	`opened_at` text NOT NULL,
	`opened_by_measurement_id` integer NOT NULL,
	`resolved_at` text,
	`resolved_by` text,
	`decision_note` text,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`village_code`) REFERENCES `villages`(`code`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`operator_id`) REFERENCES `operators`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `challenges_status` ON `challenges` (`status`,`operator_id`);--> statement-breakpoint
CREATE INDEX `challenges_village` ON `challenges` (`village_code`,`operator_id`,`tech`,`resolved_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `challenges_open` ON `challenges` (`village_code`,`operator_id`,`tech`) WHERE status = 'open';--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text NOT NULL,
	`window_start` text NOT NULL,
	`count` integer NOT NULL,
	`expires_at` text NOT NULL,
	PRIMARY KEY(`key`, `window_start`)
);
--> statement-breakpoint
CREATE INDEX `rate_limits_expiry` ON `rate_limits` (`expires_at`);--> statement-breakpoint
ALTER TABLE `villages` ADD `evidence_at` text;--> statement-breakpoint
CREATE INDEX `villages_evidence` ON `villages` (`coverage_state`,`evidence_at`);--> statement-breakpoint
-- Data, not schema: surveys stored before this migration verify their villages
-- at once, by the rule of refreshEvidence() in worker/data/evidence.ts.
UPDATE `villages` SET `evidence_at` = (
	SELECT max(m.measured_at) FROM measurements m
	WHERE m.village_code = villages.code
		AND m.source IN ('field', 'survey')
		AND m.level IN ('good', 'weak')
		AND m.distance_m <= 500
		AND NOT EXISTS (
			SELECT 1 FROM coverage c
			WHERE c.village_code = m.village_code AND c.operator_id = m.operator_id AND c.tech = m.tech
				AND c.source = 'survey' AND c.level = 'none' AND c.verified_at > m.measured_at
		)
);
