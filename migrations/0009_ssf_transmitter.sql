CREATE TABLE `ssf_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`alg` text NOT NULL,
	`private_jwk` text NOT NULL,
	`public_jwk` text NOT NULL,
	`created_at` text NOT NULL,
	`retired_at` text
);
--> statement-breakpoint
CREATE TABLE `ssf_poll_queue` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`stream_id` text NOT NULL,
	`jti` text NOT NULL,
	`kid` text NOT NULL,
	`token` text NOT NULL,
	`queued_at` text NOT NULL,
	`acked_at` text,
	FOREIGN KEY (`stream_id`) REFERENCES `ssf_streams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ssf_poll_queue_stream_jti` ON `ssf_poll_queue` (`stream_id`,`jti`);--> statement-breakpoint
CREATE INDEX `ssf_poll_queue_kid` ON `ssf_poll_queue` (`kid`);--> statement-breakpoint
CREATE TABLE `ssf_streams` (
	`id` text PRIMARY KEY NOT NULL,
	`receiver` text NOT NULL,
	`audience` text NOT NULL,
	`delivery_method` text NOT NULL,
	`config` text NOT NULL,
	`status` text DEFAULT 'enabled' NOT NULL,
	`status_reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ssf_streams_receiver` ON `ssf_streams` (`receiver`);--> statement-breakpoint
CREATE TABLE `ssf_subjects` (
	`stream_id` text NOT NULL,
	`subject` text NOT NULL,
	`wanted` integer NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`stream_id`, `subject`),
	FOREIGN KEY (`stream_id`) REFERENCES `ssf_streams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `ssf_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ssf_tokens_name_unique` ON `ssf_tokens` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `ssf_tokens_token_hash_unique` ON `ssf_tokens` (`token_hash`);