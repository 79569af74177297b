import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

export class QmpError extends Error {
  readonly qmpClass: string;
  constructor(command: string, qmpClass: string, desc: string) {
    super(`QMP ${command}: ${qmpClass}: ${desc}`);
    this.name = 'QmpError';
    this.qmpClass = qmpClass;
  }
}

interface Pending {
  command: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One QMP connection (JSON lines over a Unix socket): the greeting, `qmp_capabilities`, then commands matched to
 * replies by id, and asynchronous events ('event' on this emitter; 'close' when QEMU goes away). QEMU accepts one
 * client per QMP socket at a time, so a driver keeps one per instance and closes it when done.
 */
export class QmpClient extends EventEmitter {
  readonly #socket: Socket;
  readonly #pending = new Map<string, Pending>();
  #buffer = '';
  #nextId = 1;
  #closed = false;
  #greeting?: (v: Record<string, unknown>) => void;
  version?: { major: number; minor: number; micro: number };

  private constructor(socket: Socket) {
    super();
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('close', () => this.#onClose());
    socket.on('error', () => {});
  }

  /** Connects and negotiates capabilities; rejects after `timeoutMs` (a socket another client holds never greets). */
  static async connect(path: string, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<QmpClient> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(opts.signal ? [opts.signal] : [])]);
    const socket = connect(path);
    const client = new QmpClient(socket);
    try {
      const greeting = new Promise<Record<string, unknown>>((resolve, reject) => {
        client.#greeting = resolve;
        socket.once('error', reject);
        socket.once('close', () => reject(new Error(`QMP socket ${path} closed before the greeting`)));
        signal.addEventListener(
          'abort',
          () => reject(new Error(`QMP socket ${path}: no greeting in ${timeoutMs} ms`)),
          {
            once: true,
          },
        );
      });
      const hello = (await greeting) as { QMP?: { version?: { qemu?: QmpClient['version'] } } };
      client.version = hello.QMP?.version?.qemu;
      await client.execute('qmp_capabilities', undefined, { timeoutMs });
      return client;
    } catch (err) {
      client.close();
      throw err;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>, opts: { timeoutMs?: number } = {}): Promise<T> {
    if (this.#closed) return Promise.reject(new Error(`QMP ${command}: connection closed`));
    const id = `strata-${this.#nextId++}`;
    const timeoutMs = opts.timeoutMs ?? 10000;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`QMP ${command}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      this.#socket.write(`${JSON.stringify({ execute: command, ...(args && { arguments: args }), id })}\n`);
    });
  }

  /** Resolves with the next event named `name` that `match` accepts (rejects on close or timeout). */
  waitEvent(name: string, timeoutMs: number, match: (e: QmpEvent) => boolean = () => true): Promise<QmpEvent> {
    return new Promise((resolve, reject) => {
      const done = (fn: () => void) => {
        clearTimeout(timer);
        this.off('event', onEvent);
        this.off('close', onClose);
        fn();
      };
      const onEvent = (e: QmpEvent) => e.event === name && match(e) && done(() => resolve(e));
      const onClose = () => done(() => reject(new Error(`QMP closed before ${name}`)));
      const timer = setTimeout(() => done(() => reject(new Error(`QMP: no ${name} in ${timeoutMs} ms`))), timeoutMs);
      this.on('event', onEvent);
      this.on('close', onClose);
    });
  }

  close(): void {
    if (!this.#closed) this.#socket.destroy();
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    for (let nl = this.#buffer.indexOf('\n'); nl >= 0; nl = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, nl).trim();
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line) this.#onMessage(line);
    }
  }

  #onMessage(line: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if ('QMP' in msg) {
      this.#greeting?.(msg);
      this.#greeting = undefined;
      return;
    }
    if (typeof msg.event === 'string') {
      this.emit('event', msg as unknown as QmpEvent);
      return;
    }
    const pending = typeof msg.id === 'string' ? this.#pending.get(msg.id) : undefined;
    if (!pending) return;
    this.#pending.delete(msg.id as string);
    clearTimeout(pending.timer);
    if ('error' in msg) {
      const e = msg.error as { class?: string; desc?: string };
      pending.reject(new QmpError(pending.command, e.class ?? 'GenericError', e.desc ?? 'failed'));
    } else pending.resolve(msg.return);
  }

  #onClose(): void {
    this.#closed = true;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`QMP ${p.command}: connection closed (QEMU exited?)`));
    }
    this.#pending.clear();
    this.emit('close');
  }
}
