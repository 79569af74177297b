import { randomUUID } from 'node:crypto';
import type { Bus, BusTarget, CallOptions, Handlers, Notification, Subscription } from './bus.ts';
import { BusTimeout, NoConsumer } from './bus.ts';

interface Consumer {
  handlers: Handlers;
}

/**
 * The in-process bus of the all-in-one. Delivery is asynchronous (next tick) like a broker's, so code that
 * works here does not depend on a handler having run before `cast` returns.
 */
export function createMemoryBus(opts: { onError?: (err: unknown, what: string) => void } = {}): Bus {
  const queues = new Map<string, Consumer[]>();
  const fanouts = new Map<string, Set<Consumer>>();
  const listeners = new Set<{ prefix: string; handler: (n: Notification) => void | Promise<void> }>();
  const roundRobin = new Map<string, number>();
  const report = opts.onError ?? (() => {});

  const key = (t: BusTarget) => (t.server ? `${t.topic}.${t.server}` : t.topic);

  function pick(target: BusTarget): Consumer {
    const list = queues.get(key(target));
    if (!list?.length) throw new NoConsumer(target);
    const i = (roundRobin.get(key(target)) ?? 0) % list.length;
    roundRobin.set(key(target), i + 1);
    return list[i];
  }

  async function dispatch(consumer: Consumer, method: string, payload: unknown): Promise<unknown> {
    const handler = consumer.handlers[method];
    if (!handler) throw new Error(`no handler for ${method}`);
    return handler(structuredClone(payload));
  }

  function add<K>(map: Map<K, Consumer[]>, k: K, c: Consumer): Subscription {
    const list = map.get(k) ?? [];
    list.push(c);
    map.set(k, list);
    return {
      unsubscribe: () =>
        map.set(
          k,
          (map.get(k) ?? []).filter((x) => x !== c),
        ),
    };
  }

  return {
    async cast(target, method, payload) {
      const consumer = pick(target);
      setImmediate(() => dispatch(consumer, method, payload).catch((err) => report(err, `cast ${method}`)));
    },

    async call<T>(target: BusTarget, method: string, payload: unknown, o: CallOptions = {}): Promise<T> {
      const consumer = pick(target);
      const ms = o.timeoutMs ?? 60000;
      const signals = [AbortSignal.timeout(ms), ...(o.signal ? [o.signal] : [])];
      const signal = AbortSignal.any(signals);
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(o.signal?.aborted ? o.signal.reason : new BusTimeout(target, method, ms));
        signal.addEventListener('abort', onAbort, { once: true });
        setImmediate(() =>
          dispatch(consumer, method, payload)
            .then(
              (r) => resolve(structuredClone(r) as T),
              (err) => reject(err),
            )
            .finally(() => signal.removeEventListener('abort', onAbort)),
        );
      });
    },

    async fanout(topic, method, payload) {
      for (const c of fanouts.get(topic) ?? []) {
        setImmediate(() => dispatch(c, method, payload).catch((err) => report(err, `fanout ${topic}.${method}`)));
      }
    },

    async notify(n) {
      const msg: Notification = {
        priority: 'INFO',
        timestamp: new Date().toISOString(),
        message_id: randomUUID(),
        ...n,
      };
      for (const l of listeners) {
        if (!msg.event_type.startsWith(l.prefix)) continue;
        setImmediate(async () => {
          try {
            await l.handler(structuredClone(msg));
          } catch (err) {
            report(err, `notification ${msg.event_type}`);
          }
        });
      }
    },

    serve(target, handlers) {
      const consumer = { handlers };
      const subs = [add(queues, target.topic, consumer)];
      if (target.server) subs.push(add(queues, `${target.topic}.${target.server}`, consumer));
      return {
        unsubscribe: () => {
          for (const s of subs) s.unsubscribe();
        },
      };
    },

    listenFanout(topic, handlers) {
      const consumer = { handlers };
      const set = fanouts.get(topic) ?? new Set();
      set.add(consumer);
      fanouts.set(topic, set);
      return { unsubscribe: () => set.delete(consumer) };
    },

    listenNotifications(prefix, handler) {
      const l = { prefix, handler };
      listeners.add(l);
      return { unsubscribe: () => listeners.delete(l) };
    },

    async close() {
      queues.clear();
      fanouts.clear();
      listeners.clear();
    },
  };
}
