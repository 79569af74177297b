import { randomUUID } from 'node:crypto';

/** A new resource id as Keystone makes them: a UUID4 in 32 hex digits, no dashes. */
export const newId = (): string => randomUUID().replaceAll('-', '');

/** The current time as OpenStack prints it: ISO-8601 with microseconds and a Z. */
export function isoNow(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
