-- A village's digest (coverage_digests) vouches for its stored claims and
-- state as the coverage engine wrote them. Any write to its claims or its
-- state drops the digest, and the engine writes it again as the last
-- statement of its batch; a write by anything else leaves the village without
-- a digest, so the next full recompute reads it back and compares in full.
CREATE TRIGGER `coverage_digest_on_claim_insert` AFTER INSERT ON `coverage` BEGIN
	DELETE FROM `coverage_digests` WHERE `village_code` = NEW.`village_code`;
END;--> statement-breakpoint
CREATE TRIGGER `coverage_digest_on_claim_delete` AFTER DELETE ON `coverage` BEGIN
	DELETE FROM `coverage_digests` WHERE `village_code` = OLD.`village_code`;
END;--> statement-breakpoint
CREATE TRIGGER `coverage_digest_on_claim_update` AFTER UPDATE ON `coverage` BEGIN
	DELETE FROM `coverage_digests` WHERE `village_code` IN (OLD.`village_code`, NEW.`village_code`);
END;--> statement-breakpoint
CREATE TRIGGER `coverage_digest_on_state` AFTER UPDATE OF `coverage_state`, `best_tech` ON `villages` BEGIN
	DELETE FROM `coverage_digests` WHERE `village_code` = NEW.`code`;
END;
