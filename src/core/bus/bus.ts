/**
 * The message bus every service and agent talks through, shaped after oslo.messaging so a RabbitMQ
 * implementation (topic exchanges, reply queues, fanout exchanges, a notifications topic) fits behind it:
 *
 * - cast:   fire-and-forget to one consumer of a topic (or `topic.server` for one host's agent);
 * - call:   request/response to one consumer, with a timeout;
 * - fanout: to every consumer of a topic (cache invalidations, "all agents re-sync");
 * - notify: an event (`compute.instance.create.end`) for anyone listening (telemetry, search, dashboard).
 *
 * Payloads must be JSON-serialisable: the in-process bus clones them so nobody relies on shared objects.
 */
export interface Bus {
  cast(target: BusTarget, method: string, payload: unknown): Promise<void>;
  call<T = unknown>(target: BusTarget, method: string, payload: unknown, opts?: CallOptions): Promise<T>;
  fanout(topic: string, method: string, payload: unknown): Promise<void>;
  notify(notification: Notification): Promise<void>;
  /** Consume `topic` (and `topic.server` when `server` is given) with one handler per method name. */
  serve(target: { topic: string; server?: string }, handlers: Handlers): Subscription;
  /** Receive every fanout on `topic`. */
  listenFanout(topic: string, handlers: Handlers): Subscription;
  /** Receive notifications whose event_type starts with `prefix` ('' for all). */
  listenNotifications(prefix: string, handler: (n: Notification) => void | Promise<void>): Subscription;
  close(): Promise<void>;
}

export interface BusTarget {
  topic: string;
  /** A host name: only that host's consumer gets the message. */
  server?: string;
}

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type Handler = (payload: unknown) => unknown | Promise<unknown>;
export type Handlers = Record<string, Handler>;

export interface Subscription {
  unsubscribe(): void;
}

export interface Notification {
  event_type: string;
  publisher_id: string;
  priority?: 'INFO' | 'WARN' | 'ERROR';
  payload: unknown;
  timestamp?: string;
  message_id?: string;
}

export class BusTimeout extends Error {
  constructor(target: BusTarget, method: string, ms: number) {
    super(
      `no reply from ${target.server ? `${target.topic}.${target.server}` : target.topic} to ${method} in ${ms} ms`,
    );
  }
}

export class NoConsumer extends Error {
  constructor(target: BusTarget) {
    super(`nobody consumes ${target.server ? `${target.topic}.${target.server}` : target.topic}`);
  }
}
