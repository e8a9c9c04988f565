CREATE TABLE `audit_log` (
	`seq` integer PRIMARY KEY NOT NULL,
	`occurred_at` text NOT NULL,
	`type` text NOT NULL,
	`actor` text,
	`user_id` text,
	`request_id` text,
	`data` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
