-- Integer keys for users and groups, and membership rows made of them (see src/store/schema.ts,
-- users.key). Existing rows keep their rowid as their key, so every stored membership translates.
-- Runs inside the migrator's transaction with foreign keys on: the old membership tables go before
-- the tables they referenced, and the new ones are created once their parents have their names.
CREATE TABLE `__new_groups` (
	`key` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`display_name` text NOT NULL,
	`external_id` text,
	`doc` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created` text NOT NULL,
	`last_modified` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_groups` (`key`, `id`, `display_name`, `external_id`, `doc`, `version`, `created`, `last_modified`)
  SELECT rowid, `id`, `display_name`, `external_id`, `doc`, `version`, `created`, `last_modified` FROM `groups`;--> statement-breakpoint
CREATE TABLE `__new_users` (
	`key` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`user_name` text NOT NULL,
	`external_id` text,
	`display_name` text,
	`active` integer DEFAULT true NOT NULL,
	`doc` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created` text NOT NULL,
	`last_modified` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_users` (`key`, `id`, `user_name`, `external_id`, `display_name`, `active`, `doc`, `version`, `created`, `last_modified`)
  SELECT rowid, `id`, `user_name`, `external_id`, `display_name`, `active`, `doc`, `version`, `created`, `last_modified` FROM `users`;--> statement-breakpoint
CREATE TABLE `__keyed_group_users` AS
  SELECT g.`key` AS group_key, u.`key` AS user_key FROM `group_members` m
    JOIN `__new_groups` g ON g.`id` = m.`group_id` JOIN `__new_users` u ON u.`id` = m.`member_id`
   WHERE m.`member_type` = 'User';--> statement-breakpoint
CREATE TABLE `__keyed_group_groups` AS
  SELECT p.`key` AS parent_key, c.`key` AS child_key FROM `group_members` m
    JOIN `__new_groups` p ON p.`id` = m.`group_id` JOIN `__new_groups` c ON c.`id` = m.`member_id`
   WHERE m.`member_type` = 'Group';--> statement-breakpoint
CREATE TABLE `__keyed_group_closure` AS
  SELECT a.`key` AS ancestor_key, d.`key` AS descendant_key FROM `group_closure` gc
    JOIN `__new_groups` a ON a.`id` = gc.`ancestor_id` JOIN `__new_groups` d ON d.`id` = gc.`descendant_id`;--> statement-breakpoint
DROP TABLE `group_closure`;--> statement-breakpoint
DROP TABLE `group_members`;--> statement-breakpoint
DROP TABLE `groups`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `__new_groups` RENAME TO `groups`;--> statement-breakpoint
CREATE UNIQUE INDEX `groups_id_unique` ON `groups` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `groups_display_name_ci` ON `groups` (lower("display_name"));--> statement-breakpoint
CREATE INDEX `groups_external_id` ON `groups` (`external_id`);--> statement-breakpoint
ALTER TABLE `__new_users` RENAME TO `users`;--> statement-breakpoint
CREATE UNIQUE INDEX `users_id_unique` ON `users` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_user_name_ci` ON `users` (lower("user_name"));--> statement-breakpoint
CREATE INDEX `users_external_id` ON `users` (`external_id`);--> statement-breakpoint
CREATE INDEX `users_display_name_ci` ON `users` (lower("display_name"));--> statement-breakpoint
CREATE TABLE `group_users` (
	`group_key` integer NOT NULL,
	`user_key` integer NOT NULL,
	PRIMARY KEY(`group_key`, `user_key`),
	FOREIGN KEY (`group_key`) REFERENCES `groups`(`key`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_key`) REFERENCES `users`(`key`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `group_users` (`group_key`, `user_key`) SELECT group_key, user_key FROM `__keyed_group_users` ORDER BY 1, 2;--> statement-breakpoint
DROP TABLE `__keyed_group_users`;--> statement-breakpoint
CREATE INDEX `group_users_user` ON `group_users` (`user_key`,`group_key`);--> statement-breakpoint
CREATE TABLE `group_groups` (
	`parent_key` integer NOT NULL,
	`child_key` integer NOT NULL,
	PRIMARY KEY(`parent_key`, `child_key`),
	FOREIGN KEY (`parent_key`) REFERENCES `groups`(`key`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`child_key`) REFERENCES `groups`(`key`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `group_groups` (`parent_key`, `child_key`) SELECT parent_key, child_key FROM `__keyed_group_groups` ORDER BY 1, 2;--> statement-breakpoint
DROP TABLE `__keyed_group_groups`;--> statement-breakpoint
CREATE INDEX `group_groups_child` ON `group_groups` (`child_key`,`parent_key`);--> statement-breakpoint
CREATE TABLE `group_closure` (
	`ancestor_key` integer NOT NULL,
	`descendant_key` integer NOT NULL,
	PRIMARY KEY(`ancestor_key`, `descendant_key`),
	FOREIGN KEY (`ancestor_key`) REFERENCES `groups`(`key`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`descendant_key`) REFERENCES `groups`(`key`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `group_closure` (`ancestor_key`, `descendant_key`) SELECT ancestor_key, descendant_key FROM `__keyed_group_closure` ORDER BY 1, 2;--> statement-breakpoint
DROP TABLE `__keyed_group_closure`;--> statement-breakpoint
CREATE INDEX `group_closure_descendant` ON `group_closure` (`descendant_key`,`ancestor_key`);
