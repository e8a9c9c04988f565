CREATE TABLE `hook_attempts` (
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`owner` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`outcome` text,
	`error` text,
	PRIMARY KEY(`delivery_id`, `attempt`)
);
--> statement-breakpoint
CREATE TABLE `hook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`subscriber_id` text NOT NULL,
	`event_seq` integer NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`age_from` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `hook_deliveries_subscriber` ON `hook_deliveries` (`subscriber_id`,`state`,`event_seq`);--> statement-breakpoint
CREATE INDEX `hook_deliveries_state` ON `hook_deliveries` (`state`,`updated_at`);--> statement-breakpoint
CREATE TABLE `hook_outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`occurred_at` text NOT NULL,
	`body` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `hook_outbox_occurred_at` ON `hook_outbox` (`occurred_at`);--> statement-breakpoint
CREATE TABLE `hook_subscribers` (
	`id` text PRIMARY KEY NOT NULL,
	`cursor` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`rewound_at` integer DEFAULT 0 NOT NULL
);
