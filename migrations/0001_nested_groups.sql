CREATE TABLE `group_closure` (
	`ancestor_id` text NOT NULL,
	`descendant_id` text NOT NULL,
	PRIMARY KEY(`ancestor_id`, `descendant_id`),
	FOREIGN KEY (`ancestor_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`descendant_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_closure_descendant` ON `group_closure` (`descendant_id`,`ancestor_id`);--> statement-breakpoint
CREATE INDEX `group_members_nested` ON `group_members` (`group_id`,`member_id`) WHERE member_type = 'Group';--> statement-breakpoint
-- Backfill: databases created before nesting existed get their closure from the edges already stored.
-- UNION (not UNION ALL) deduplicates, so cycles terminate.
WITH RECURSIVE reach(ancestor_id, descendant_id) AS (
	SELECT `group_id`, `member_id` FROM `group_members`
	 WHERE `member_type` = 'Group' AND `member_id` IN (SELECT `id` FROM `groups`)
	UNION
	SELECT reach.ancestor_id, m.`member_id` FROM reach
	  JOIN `group_members` m ON m.`group_id` = reach.descendant_id AND m.`member_type` = 'Group'
	 WHERE m.`member_id` IN (SELECT `id` FROM `groups`)
)
INSERT OR IGNORE INTO `group_closure` (`ancestor_id`, `descendant_id`) SELECT ancestor_id, descendant_id FROM reach;
