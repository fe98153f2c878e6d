-- Every write to a table that public reads show gives data_version a new
-- value, in the same statement: the public read cache
-- (worker/middleware/cache.ts) checks it before it answers from memory or
-- with 304, so the next read after a write always sees it. Random rather than
-- counted, so that a database put back to an earlier state (a restore, Time
-- Travel, a test's reset) never meets a version it had before with other
-- data; shifted to 53 bits, which a JavaScript number holds exactly. A table
-- that public reads come to show must be added here.
INSERT INTO `data_version` (`id`, `version`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `data_version_villages_insert` AFTER INSERT ON `villages` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_villages_update` AFTER UPDATE ON `villages` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_villages_delete` AFTER DELETE ON `villages` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_coverage_insert` AFTER INSERT ON `coverage` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_coverage_update` AFTER UPDATE ON `coverage` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_coverage_delete` AFTER DELETE ON `coverage` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_stations_insert` AFTER INSERT ON `stations` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_stations_update` AFTER UPDATE ON `stations` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_stations_delete` AFTER DELETE ON `stations` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_units_insert` AFTER INSERT ON `units` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_units_update` AFTER UPDATE ON `units` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_units_delete` AFTER DELETE ON `units` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_unit_successions_insert` AFTER INSERT ON `unit_successions` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_unit_successions_update` AFTER UPDATE ON `unit_successions` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_unit_successions_delete` AFTER DELETE ON `unit_successions` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_operators_insert` AFTER INSERT ON `operators` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_operators_update` AFTER UPDATE ON `operators` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_operators_delete` AFTER DELETE ON `operators` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_commitments_insert` AFTER INSERT ON `commitments` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_commitments_update` AFTER UPDATE ON `commitments` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_commitments_delete` AFTER DELETE ON `commitments` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_village_events_insert` AFTER INSERT ON `village_events` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_village_events_update` AFTER UPDATE ON `village_events` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_village_events_delete` AFTER DELETE ON `village_events` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_challenges_insert` AFTER INSERT ON `challenges` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_challenges_update` AFTER UPDATE ON `challenges` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `data_version_challenges_delete` AFTER DELETE ON `challenges` BEGIN
	UPDATE `data_version` SET `version` = random() >> 11 WHERE `id` = 1;
END;
