/**
 * An event stream as scimgate keeps it (SSF 1.0 §8.1.1): who it belongs to, its audience, the
 * receiver-supplied configuration, and its status. The wire form (with the transmitter-supplied
 * properties) is built by stream-config.ts.
 */
export const PUSH_METHOD = 'urn:ietf:rfc:8935';
export const POLL_METHOD = 'urn:ietf:rfc:8936';

export const STREAM_STATUSES = ['enabled', 'paused', 'disabled'] as const;
export type StreamStatus = (typeof STREAM_STATUSES)[number];

export type Delivery =
  | { method: typeof PUSH_METHOD; endpoint_url: string; authorization_header?: string }
  | { method: typeof POLL_METHOD };

/** What the receiver supplies (and may update or replace). */
export interface ReceiverConfig {
  delivery: Delivery;
  events_requested?: string[];
  description?: string;
}

export interface Stream {
  id: string;
  /** The name of the SSF receiver token that created it: only that receiver sees it. */
  receiver: string;
  audience: string;
  config: ReceiverConfig;
  status: StreamStatus;
  statusReason?: string;
  createdAt: string;
  updatedAt: string;
}

/** A subject a receiver added (wanted) or removed (not wanted), in canonical form (subjects.ts). */
export interface StreamSubject {
  subject: string;
  wanted: boolean;
}

/**
 * `inWrite` runs inside the same write as the change (the audit row commits or rolls back with it).
 */
export interface StreamStore {
  create(stream: Stream, inWrite?: () => void): void;
  /** The receiver's stream with this id; another receiver's is not found. */
  get(id: string, receiver: string): Stream | undefined;
  list(receiver: string): Stream[];
  /** Every stream, for the delivery worker. */
  all(): Stream[];
  /** Replaces the receiver-supplied part; undefined when the stream is not the receiver's. */
  replaceConfig(id: string, receiver: string, config: ReceiverConfig, at: string, inWrite?: () => void): Stream | undefined;
  setStatus(id: string, receiver: string, status: StreamStatus, reason: string | undefined, at: string, inWrite?: () => void): Stream | undefined;
  /** Deletes the stream with its subjects and poll queue; false when it is not the receiver's. */
  delete(id: string, receiver: string, inWrite?: () => void): boolean;
  subjects(streamId: string): StreamSubject[];
  setSubject(streamId: string, subject: string, wanted: boolean, at: string): void;
  /**
   * Moves whenever a stream or a subject may have changed, through this store or any other
   * connection to the database (another server, the CLI): what is built from `all()` and
   * `subjects()` stays good while it stays the same.
   */
  revision(): string;
}
