CREATE INDEX `groups_key` ON `groups` (`key`);--> statement-breakpoint
CREATE INDEX `users_key` ON `users` (`key`);