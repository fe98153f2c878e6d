-- Keeps unit_tallies, unit_claim_tallies and unit_station_tallies (see
-- schema/tables.ts) equal to counting the villages, claims and stations of
-- each unit, whoever writes them: every insert, update and delete adds or
-- takes away its row's share, in the same statement. A unit is (era, code):
-- a village or station counts towards its 2025 province and commune and its
-- pre-2025 province, district and commune, where it has them.
-- test/worker/tallies.test.ts checks them against counting after random writes.
CREATE VIEW `village_units` AS
	SELECT `code` AS village_code, '2025' AS era, `province_code` AS code FROM `villages` WHERE `province_code` IS NOT NULL
	UNION ALL SELECT `code`, '2025', `commune_code` FROM `villages` WHERE `commune_code` IS NOT NULL
	UNION ALL SELECT `code`, 'pre2025', `old_province_code` FROM `villages` WHERE `old_province_code` IS NOT NULL
	UNION ALL SELECT `code`, 'pre2025', `old_district_code` FROM `villages` WHERE `old_district_code` IS NOT NULL
	UNION ALL SELECT `code`, 'pre2025', `old_commune_code` FROM `villages` WHERE `old_commune_code` IS NOT NULL;
--> statement-breakpoint
CREATE TRIGGER `unit_tallies_village_insert` AFTER INSERT ON `villages` BEGIN
	INSERT INTO `unit_tallies` (`era`, `code`, `villages`, `good`, `weak`, `none`, `unknown`, `best_2g`, `best_3g`, `best_4g`, `best_5g`)
	SELECT k.era, k.code, 1, (NEW.`coverage_state` = 'good'), (NEW.`coverage_state` = 'weak'), (NEW.`coverage_state` = 'none'), (NEW.`coverage_state` = 'unknown'), (NEW.`coverage_state` IN ('good', 'weak') AND NEW.`best_tech` IS '2g'), (NEW.`coverage_state` IN ('good', 'weak') AND NEW.`best_tech` IS '3g'), (NEW.`coverage_state` IN ('good', 'weak') AND NEW.`best_tech` IS '4g'), (NEW.`coverage_state` IN ('good', 'weak') AND NEW.`best_tech` IS '5g')
	FROM (SELECT '2025' AS era, NEW.`province_code` AS code WHERE NEW.`province_code` IS NOT NULL
		UNION ALL SELECT '2025' AS era, NEW.`commune_code` AS code WHERE NEW.`commune_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_province_code` AS code WHERE NEW.`old_province_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_district_code` AS code WHERE NEW.`old_district_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_commune_code` AS code WHERE NEW.`old_commune_code` IS NOT NULL) AS k WHERE true
	ON CONFLICT (`era`, `code`) DO UPDATE SET `villages` = `villages` + excluded.`villages`, `good` = `good` + excluded.`good`, `weak` = `weak` + excluded.`weak`, `none` = `none` + excluded.`none`, `unknown` = `unknown` + excluded.`unknown`, `best_2g` = `best_2g` + excluded.`best_2g`, `best_3g` = `best_3g` + excluded.`best_3g`, `best_4g` = `best_4g` + excluded.`best_4g`, `best_5g` = `best_5g` + excluded.`best_5g`;
END;
--> statement-breakpoint
CREATE TRIGGER `unit_tallies_village_update` AFTER UPDATE OF `coverage_state`, `best_tech`, `province_code`, `commune_code`, `old_province_code`, `old_district_code`, `old_commune_code` ON `villages` BEGIN
	INSERT INTO `unit_tallies` (`era`, `code`, `villages`, `good`, `weak`, `none`, `unknown`, `best_2g`, `best_3g`, `best_4g`, `best_5g`)
	SELECT k.era, k.code, -1, -(OLD.`coverage_state` = 'good'), -(OLD.`coverage_state` = 'weak'), -(OLD.`coverage_state` = 'none'), -(OLD.`coverage_state` = 'unknown'), -(OLD.`coverage_state` IN ('good', 'weak') AND OLD.`best_tech` IS '2g'), -(OLD.`coverage_state` IN ('good', 'weak') AND OLD.`best_tech` IS '3g'), -(OLD.`coverage_state` IN ('good', 'weak') AND OLD.`best_tech` IS '4g'), -(OLD.`coverage_state` IN ('good', 'weak') AND OLD.`best_tech` IS '5g')
	FROM (SELECT '2025' AS era, OLD.`province_code` AS code WHERE OLD.`province_code` IS NOT NULL
		UNION ALL SELECT '2025' AS era, OLD.`commune_code` AS code WHERE OLD.`commune_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_province_code` AS code WHERE OLD.`old_province_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_district_code` AS code WHERE OLD.`old_district_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_commune_code` AS code WHERE OLD.`old_commune_code` IS NOT NULL) AS k WHERE true
	ON CONFLICT (`era`, `code`) DO UPDATE SET `villages` = `villages` + excluded.`villages`, `good` = `good` + excluded.`good`, `weak` = `weak` + excluded.`weak`, `none` = `none` + excluded.`none`, `unknown` = `unknown` + excluded.`unknown`, `best_2g` = `best_2g` + excluded.`best_2g`, `best_3g` = `best_3g` + excluded.`best_3g`, `best_4g` = `best_4g` + excluded.`best_4g`, `best_5g` = `best_5g` + excluded.`best_5g`;
	INSERT INTO `unit_tallies` (`era`, `code`, `villages`, `good`, `weak`, `none`, `unknown`, `best_2g`, `best_3g`, `best_4g`, `best_5g`)
	SELECT k.era, k.code, 1, (NEW.`coverage_state` = 'good'), (NEW.`coverage_state` = 'weak'), (NEW.`coverage_state` = 'none'), (NEW.`coverage_state` = 'unknown'), (NEW.`coverage_state` IN ('good', 'weak') AND NEW.`best_tech` IS '2g'), (NEW.`coverage_state` IN ('good', 'weak') AND NEW.`best_tech` IS '3g'), (NEW.`coverage_state` IN ('good', 'weak') AND NEW.`best_tech` IS '4g'), (NEW.`coverage_state` IN ('good', 'weak') AND NEW.`best_tech` IS '5g')
	FROM (SELECT '2025' AS era, NEW.`province_code` AS code WHERE NEW.`province_code` IS NOT NULL
		UNION ALL SELECT '2025' AS era, NEW.`commune_code` AS code WHERE NEW.`commune_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_province_code` AS code WHERE NEW.`old_province_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_district_code` AS code WHERE NEW.`old_district_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_commune_code` AS code WHERE NEW.`old_commune_code` IS NOT NULL) AS k WHERE true
	ON CONFLICT (`era`, `code`) DO UPDATE SET `villages` = `villages` + excluded.`villages`, `good` = `good` + excluded.`good`, `weak` = `weak` + excluded.`weak`, `none` = `none` + excluded.`none`, `unknown` = `unknown` + excluded.`unknown`, `best_2g` = `best_2g` + excluded.`best_2g`, `best_3g` = `best_3g` + excluded.`best_3g`, `best_4g` = `best_4g` + excluded.`best_4g`, `best_5g` = `best_5g` + excluded.`best_5g`;
END;
--> statement-breakpoint
-- A village that changes units takes its claims' shares along.
CREATE TRIGGER `unit_claim_tallies_village_moved` AFTER UPDATE OF `province_code`, `commune_code`, `old_province_code`, `old_district_code`, `old_commune_code` ON `villages`
WHEN OLD.`province_code` IS NOT NEW.`province_code` OR OLD.`commune_code` IS NOT NEW.`commune_code` OR OLD.`old_province_code` IS NOT NEW.`old_province_code` OR OLD.`old_district_code` IS NOT NEW.`old_district_code` OR OLD.`old_commune_code` IS NOT NEW.`old_commune_code` BEGIN
	INSERT INTO `unit_claim_tallies` (`era`, `code`, `kind`, `value`, `villages`)
	SELECT k.era, k.code, c.kind, c.value, k.sign
	FROM (
		SELECT DISTINCT 'operator' AS kind, `operator_id` AS value FROM `coverage`
		WHERE `village_code` = NEW.`code` AND coverage.`effective` = 1 AND coverage.`level` IN ('good', 'weak')
		UNION ALL SELECT DISTINCT 'tech', `tech` FROM `coverage`
		WHERE `village_code` = NEW.`code` AND coverage.`effective` = 1 AND coverage.`level` IN ('good', 'weak')
	) AS c, (
		SELECT era, code, -1 AS sign FROM (SELECT '2025' AS era, OLD.`province_code` AS code WHERE OLD.`province_code` IS NOT NULL
		UNION ALL SELECT '2025' AS era, OLD.`commune_code` AS code WHERE OLD.`commune_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_province_code` AS code WHERE OLD.`old_province_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_district_code` AS code WHERE OLD.`old_district_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_commune_code` AS code WHERE OLD.`old_commune_code` IS NOT NULL)
		UNION ALL SELECT era, code, 1 FROM (SELECT '2025' AS era, NEW.`province_code` AS code WHERE NEW.`province_code` IS NOT NULL
		UNION ALL SELECT '2025' AS era, NEW.`commune_code` AS code WHERE NEW.`commune_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_province_code` AS code WHERE NEW.`old_province_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_district_code` AS code WHERE NEW.`old_district_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_commune_code` AS code WHERE NEW.`old_commune_code` IS NOT NULL)
	) AS k WHERE true
	ON CONFLICT (`era`, `code`, `kind`, `value`) DO UPDATE SET `villages` = `villages` + excluded.`villages`;
END;
--> statement-breakpoint
-- The claims go first, while the village still says which units they count
-- towards; the foreign key's cascade then finds none left.
CREATE TRIGGER `unit_tallies_village_delete` BEFORE DELETE ON `villages` BEGIN
	DELETE FROM `coverage` WHERE `village_code` = OLD.`code`;
	INSERT INTO `unit_tallies` (`era`, `code`, `villages`, `good`, `weak`, `none`, `unknown`, `best_2g`, `best_3g`, `best_4g`, `best_5g`)
	SELECT k.era, k.code, -1, -(OLD.`coverage_state` = 'good'), -(OLD.`coverage_state` = 'weak'), -(OLD.`coverage_state` = 'none'), -(OLD.`coverage_state` = 'unknown'), -(OLD.`coverage_state` IN ('good', 'weak') AND OLD.`best_tech` IS '2g'), -(OLD.`coverage_state` IN ('good', 'weak') AND OLD.`best_tech` IS '3g'), -(OLD.`coverage_state` IN ('good', 'weak') AND OLD.`best_tech` IS '4g'), -(OLD.`coverage_state` IN ('good', 'weak') AND OLD.`best_tech` IS '5g')
	FROM (SELECT '2025' AS era, OLD.`province_code` AS code WHERE OLD.`province_code` IS NOT NULL
		UNION ALL SELECT '2025' AS era, OLD.`commune_code` AS code WHERE OLD.`commune_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_province_code` AS code WHERE OLD.`old_province_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_district_code` AS code WHERE OLD.`old_district_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_commune_code` AS code WHERE OLD.`old_commune_code` IS NOT NULL) AS k WHERE true
	ON CONFLICT (`era`, `code`) DO UPDATE SET `villages` = `villages` + excluded.`villages`, `good` = `good` + excluded.`good`, `weak` = `weak` + excluded.`weak`, `none` = `none` + excluded.`none`, `unknown` = `unknown` + excluded.`unknown`, `best_2g` = `best_2g` + excluded.`best_2g`, `best_3g` = `best_3g` + excluded.`best_3g`, `best_4g` = `best_4g` + excluded.`best_4g`, `best_5g` = `best_5g` + excluded.`best_5g`;
END;
--> statement-breakpoint
-- A village counts for an operator (a technology) while at least one of its
-- effective good or weak claims is that operator's (technology's): only the
-- first such claim to arrive and the last to go change the count.
CREATE TRIGGER `unit_claim_tallies_claim_insert` AFTER INSERT ON `coverage` WHEN NEW.`effective` = 1 AND NEW.`level` IN ('good', 'weak') BEGIN
	INSERT INTO `unit_claim_tallies` (`era`, `code`, `kind`, `value`, `villages`)
	SELECT u.era, u.code, 'operator', NEW.`operator_id`, 1 FROM `village_units` AS u
	WHERE u.village_code = NEW.`village_code` AND (SELECT count(*) FROM `coverage` AS c WHERE c.`village_code` = NEW.`village_code` AND c.`operator_id` = NEW.`operator_id` AND c.`effective` = 1 AND c.`level` IN ('good', 'weak')) = 1
	ON CONFLICT (`era`, `code`, `kind`, `value`) DO UPDATE SET `villages` = `villages` + excluded.`villages`;
	INSERT INTO `unit_claim_tallies` (`era`, `code`, `kind`, `value`, `villages`)
	SELECT u.era, u.code, 'tech', NEW.`tech`, 1 FROM `village_units` AS u
	WHERE u.village_code = NEW.`village_code` AND (SELECT count(*) FROM `coverage` AS c WHERE c.`village_code` = NEW.`village_code` AND c.`tech` = NEW.`tech` AND c.`effective` = 1 AND c.`level` IN ('good', 'weak')) = 1
	ON CONFLICT (`era`, `code`, `kind`, `value`) DO UPDATE SET `villages` = `villages` + excluded.`villages`;
END;
--> statement-breakpoint
CREATE TRIGGER `unit_claim_tallies_claim_delete` AFTER DELETE ON `coverage` WHEN OLD.`effective` = 1 AND OLD.`level` IN ('good', 'weak') BEGIN
	INSERT INTO `unit_claim_tallies` (`era`, `code`, `kind`, `value`, `villages`)
	SELECT u.era, u.code, 'operator', OLD.`operator_id`, -1 FROM `village_units` AS u
	WHERE u.village_code = OLD.`village_code` AND (SELECT count(*) FROM `coverage` AS c WHERE c.`village_code` = OLD.`village_code` AND c.`operator_id` = OLD.`operator_id` AND c.`effective` = 1 AND c.`level` IN ('good', 'weak')) = 0
	ON CONFLICT (`era`, `code`, `kind`, `value`) DO UPDATE SET `villages` = `villages` + excluded.`villages`;
	INSERT INTO `unit_claim_tallies` (`era`, `code`, `kind`, `value`, `villages`)
	SELECT u.era, u.code, 'tech', OLD.`tech`, -1 FROM `village_units` AS u
	WHERE u.village_code = OLD.`village_code` AND (SELECT count(*) FROM `coverage` AS c WHERE c.`village_code` = OLD.`village_code` AND c.`tech` = OLD.`tech` AND c.`effective` = 1 AND c.`level` IN ('good', 'weak')) = 0
	ON CONFLICT (`era`, `code`, `kind`, `value`) DO UPDATE SET `villages` = `villages` + excluded.`villages`;
END;
--> statement-breakpoint
-- An update is the old row leaving and the new one arriving, except that a
-- claim that qualified before and after for the same village and operator
-- (technology) changes nothing.
CREATE TRIGGER `unit_claim_tallies_claim_update` AFTER UPDATE ON `coverage` WHEN (OLD.`effective` = 1 AND OLD.`level` IN ('good', 'weak')) OR (NEW.`effective` = 1 AND NEW.`level` IN ('good', 'weak')) BEGIN
	INSERT INTO `unit_claim_tallies` (`era`, `code`, `kind`, `value`, `villages`)
	SELECT u.era, u.code, 'operator', OLD.`operator_id`, -1 FROM `village_units` AS u
	WHERE u.village_code = OLD.`village_code` AND OLD.`effective` = 1 AND OLD.`level` IN ('good', 'weak') AND (SELECT count(*) FROM `coverage` AS c WHERE c.`village_code` = OLD.`village_code` AND c.`operator_id` = OLD.`operator_id` AND c.`effective` = 1 AND c.`level` IN ('good', 'weak')) = 0
	ON CONFLICT (`era`, `code`, `kind`, `value`) DO UPDATE SET `villages` = `villages` + excluded.`villages`;
	INSERT INTO `unit_claim_tallies` (`era`, `code`, `kind`, `value`, `villages`)
	SELECT u.era, u.code, 'operator', NEW.`operator_id`, 1 FROM `village_units` AS u
	WHERE u.village_code = NEW.`village_code` AND NEW.`effective` = 1 AND NEW.`level` IN ('good', 'weak') AND (SELECT count(*) FROM `coverage` AS c WHERE c.`village_code` = NEW.`village_code` AND c.`operator_id` = NEW.`operator_id` AND c.`effective` = 1 AND c.`level` IN ('good', 'weak')) = 1
		AND NOT (OLD.`effective` = 1 AND OLD.`level` IN ('good', 'weak') AND OLD.`village_code` = NEW.`village_code` AND OLD.`operator_id` = NEW.`operator_id`)
	ON CONFLICT (`era`, `code`, `kind`, `value`) DO UPDATE SET `villages` = `villages` + excluded.`villages`;
	INSERT INTO `unit_claim_tallies` (`era`, `code`, `kind`, `value`, `villages`)
	SELECT u.era, u.code, 'tech', OLD.`tech`, -1 FROM `village_units` AS u
	WHERE u.village_code = OLD.`village_code` AND OLD.`effective` = 1 AND OLD.`level` IN ('good', 'weak') AND (SELECT count(*) FROM `coverage` AS c WHERE c.`village_code` = OLD.`village_code` AND c.`tech` = OLD.`tech` AND c.`effective` = 1 AND c.`level` IN ('good', 'weak')) = 0
	ON CONFLICT (`era`, `code`, `kind`, `value`) DO UPDATE SET `villages` = `villages` + excluded.`villages`;
	INSERT INTO `unit_claim_tallies` (`era`, `code`, `kind`, `value`, `villages`)
	SELECT u.era, u.code, 'tech', NEW.`tech`, 1 FROM `village_units` AS u
	WHERE u.village_code = NEW.`village_code` AND NEW.`effective` = 1 AND NEW.`level` IN ('good', 'weak') AND (SELECT count(*) FROM `coverage` AS c WHERE c.`village_code` = NEW.`village_code` AND c.`tech` = NEW.`tech` AND c.`effective` = 1 AND c.`level` IN ('good', 'weak')) = 1
		AND NOT (OLD.`effective` = 1 AND OLD.`level` IN ('good', 'weak') AND OLD.`village_code` = NEW.`village_code` AND OLD.`tech` = NEW.`tech`)
	ON CONFLICT (`era`, `code`, `kind`, `value`) DO UPDATE SET `villages` = `villages` + excluded.`villages`;
END;
--> statement-breakpoint
CREATE TRIGGER `unit_station_tallies_insert` AFTER INSERT ON `stations` BEGIN
	INSERT INTO `unit_station_tallies` (`era`, `code`, `operator_id`, `status`, `stations`)
	SELECT k.era, k.code, NEW.`operator_id`, NEW.`status`, 1
	FROM (SELECT '2025' AS era, NEW.`province_code` AS code WHERE NEW.`province_code` IS NOT NULL
		UNION ALL SELECT '2025' AS era, NEW.`commune_code` AS code WHERE NEW.`commune_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_province_code` AS code WHERE NEW.`old_province_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_district_code` AS code WHERE NEW.`old_district_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_commune_code` AS code WHERE NEW.`old_commune_code` IS NOT NULL) AS k WHERE true
	ON CONFLICT (`era`, `code`, `operator_id`, `status`) DO UPDATE SET `stations` = `stations` + excluded.`stations`;
END;
--> statement-breakpoint
CREATE TRIGGER `unit_station_tallies_update` AFTER UPDATE OF `operator_id`, `status`, `province_code`, `commune_code`, `old_province_code`, `old_district_code`, `old_commune_code` ON `stations` BEGIN
	INSERT INTO `unit_station_tallies` (`era`, `code`, `operator_id`, `status`, `stations`)
	SELECT k.era, k.code, OLD.`operator_id`, OLD.`status`, -1
	FROM (SELECT '2025' AS era, OLD.`province_code` AS code WHERE OLD.`province_code` IS NOT NULL
		UNION ALL SELECT '2025' AS era, OLD.`commune_code` AS code WHERE OLD.`commune_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_province_code` AS code WHERE OLD.`old_province_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_district_code` AS code WHERE OLD.`old_district_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_commune_code` AS code WHERE OLD.`old_commune_code` IS NOT NULL) AS k WHERE true
	ON CONFLICT (`era`, `code`, `operator_id`, `status`) DO UPDATE SET `stations` = `stations` + excluded.`stations`;
	INSERT INTO `unit_station_tallies` (`era`, `code`, `operator_id`, `status`, `stations`)
	SELECT k.era, k.code, NEW.`operator_id`, NEW.`status`, 1
	FROM (SELECT '2025' AS era, NEW.`province_code` AS code WHERE NEW.`province_code` IS NOT NULL
		UNION ALL SELECT '2025' AS era, NEW.`commune_code` AS code WHERE NEW.`commune_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_province_code` AS code WHERE NEW.`old_province_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_district_code` AS code WHERE NEW.`old_district_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, NEW.`old_commune_code` AS code WHERE NEW.`old_commune_code` IS NOT NULL) AS k WHERE true
	ON CONFLICT (`era`, `code`, `operator_id`, `status`) DO UPDATE SET `stations` = `stations` + excluded.`stations`;
END;
--> statement-breakpoint
CREATE TRIGGER `unit_station_tallies_delete` AFTER DELETE ON `stations` BEGIN
	INSERT INTO `unit_station_tallies` (`era`, `code`, `operator_id`, `status`, `stations`)
	SELECT k.era, k.code, OLD.`operator_id`, OLD.`status`, -1
	FROM (SELECT '2025' AS era, OLD.`province_code` AS code WHERE OLD.`province_code` IS NOT NULL
		UNION ALL SELECT '2025' AS era, OLD.`commune_code` AS code WHERE OLD.`commune_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_province_code` AS code WHERE OLD.`old_province_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_district_code` AS code WHERE OLD.`old_district_code` IS NOT NULL
		UNION ALL SELECT 'pre2025' AS era, OLD.`old_commune_code` AS code WHERE OLD.`old_commune_code` IS NOT NULL) AS k WHERE true
	ON CONFLICT (`era`, `code`, `operator_id`, `status`) DO UPDATE SET `stations` = `stations` + excluded.`stations`;
END;
--> statement-breakpoint
-- What is already there.
INSERT INTO `unit_tallies` (`era`, `code`, `villages`, `good`, `weak`, `none`, `unknown`, `best_2g`, `best_3g`, `best_4g`, `best_5g`)
SELECT u.era, u.code, count(*), sum(v.`coverage_state` = 'good'), sum(v.`coverage_state` = 'weak'),
	sum(v.`coverage_state` = 'none'), sum(v.`coverage_state` = 'unknown'),
	sum(v.`coverage_state` IN ('good', 'weak') AND v.`best_tech` IS '2g'),
	sum(v.`coverage_state` IN ('good', 'weak') AND v.`best_tech` IS '3g'),
	sum(v.`coverage_state` IN ('good', 'weak') AND v.`best_tech` IS '4g'),
	sum(v.`coverage_state` IN ('good', 'weak') AND v.`best_tech` IS '5g')
FROM `village_units` AS u JOIN `villages` AS v ON v.`code` = u.village_code
GROUP BY u.era, u.code;
--> statement-breakpoint
INSERT INTO `unit_claim_tallies` (`era`, `code`, `kind`, `value`, `villages`)
SELECT u.era, u.code, 'operator', c.`operator_id`, count(DISTINCT c.`village_code`)
FROM `coverage` AS c JOIN `village_units` AS u ON u.village_code = c.`village_code`
WHERE c.`effective` = 1 AND c.`level` IN ('good', 'weak')
GROUP BY u.era, u.code, c.`operator_id`;
--> statement-breakpoint
INSERT INTO `unit_claim_tallies` (`era`, `code`, `kind`, `value`, `villages`)
SELECT u.era, u.code, 'tech', c.`tech`, count(DISTINCT c.`village_code`)
FROM `coverage` AS c JOIN `village_units` AS u ON u.village_code = c.`village_code`
WHERE c.`effective` = 1 AND c.`level` IN ('good', 'weak')
GROUP BY u.era, u.code, c.`tech`;
--> statement-breakpoint
INSERT INTO `unit_station_tallies` (`era`, `code`, `operator_id`, `status`, `stations`)
SELECT k.era, k.code, k.operator_id, k.status, count(*) FROM (
SELECT '2025' AS era, `province_code` AS code, `operator_id`, `status` FROM `stations` WHERE `province_code` IS NOT NULL
	UNION ALL SELECT '2025' AS era, `commune_code` AS code, `operator_id`, `status` FROM `stations` WHERE `commune_code` IS NOT NULL
	UNION ALL SELECT 'pre2025' AS era, `old_province_code` AS code, `operator_id`, `status` FROM `stations` WHERE `old_province_code` IS NOT NULL
	UNION ALL SELECT 'pre2025' AS era, `old_district_code` AS code, `operator_id`, `status` FROM `stations` WHERE `old_district_code` IS NOT NULL
	UNION ALL SELECT 'pre2025' AS era, `old_commune_code` AS code, `operator_id`, `status` FROM `stations` WHERE `old_commune_code` IS NOT NULL
) AS k
GROUP BY k.era, k.code, k.operator_id, k.status;
