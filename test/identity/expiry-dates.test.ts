import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appCredExpiresAt, isExpired, parseExpiresAt } from '../../src/identity/expiry-dates.ts';

const NOW = Date.parse('2030-06-01T00:00:00Z');

test('parseExpiresAt keeps microseconds and reads a missing zone as UTC', () => {
  const cases: [string, string][] = [
    ['2031-01-02T03:04:05.123456', '2031-01-02T03:04:05.123456Z'],
    ['2031-01-02T03:04:05Z', '2031-01-02T03:04:05.000000Z'],
    ['2031-01-02T03:04:05.1z', '2031-01-02T03:04:05.100000Z'],
    ['2031-01-02 03:04', '2031-01-02T03:04:00.000000Z'],
    ['2031-01-02', '2031-01-02T00:00:00.000000Z'],
    ['2031-01-02T03:04:05.123456789Z', '2031-01-02T03:04:05.123456Z'],
    ['2031-01-02T03:04:05+02:00', '2031-01-02T01:04:05.000000Z'],
    ['2031-01-02T23:30:00-0130', '2031-01-03T01:00:00.000000Z'],
  ];
  for (const [input, stored] of cases) assert.equal(parseExpiresAt(input, NOW), stored, input);
  assert.equal(appCredExpiresAt('2031-01-02T03:04:05.123456Z'), '2031-01-02T03:04:05.123456');
  assert.equal(appCredExpiresAt(null), null);
});

test('parseExpiresAt refuses unreadable, impossible and past times with a 400', () => {
  for (const input of [
    'bad.123Z',
    '',
    '2031-13-01T00:00:00',
    '2031-02-29T00:00:00',
    '2031-01-01T24:00:00',
    '2029-12-31T23:59:59Z',
  ]) {
    assert.throws(
      () => parseExpiresAt(input, NOW),
      (err: { status?: number }) => err.status === 400,
      input,
    );
  }
});

test('isExpired compares a stored expiry with now', () => {
  assert.equal(isExpired(null, NOW), false);
  assert.equal(isExpired('2030-05-31T23:59:59.999999Z', NOW), true);
  assert.equal(isExpired('2030-06-01T00:00:00.001000Z', NOW), false);
});
