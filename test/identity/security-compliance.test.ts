import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword } from '../../src/identity/passwords.ts';
import {
  checkMinimumPasswordAge,
  checkPasswordHistory,
  checkPasswordStrength,
  lockoutState,
  passwordColumns,
  passwordHistoryDepth,
  passwordIsExpired,
  passwordTime,
  type SecurityCompliance,
} from '../../src/identity/security-compliance.ts';

const OFF: SecurityCompliance = {
  lockoutFailureAttempts: 0,
  lockoutDuration: 1800,
  uniqueLastPasswordCount: 0,
  minimumPasswordAge: 0,
  passwordExpiresDays: 0,
  passwordRegex: '',
  passwordRegexDescription: '',
  changePasswordUponFirstUse: false,
};
const sc = (over: Partial<SecurityCompliance>): SecurityCompliance => ({ ...OFF, ...over });
const NOW = Date.parse('2030-05-06T07:08:09.250Z');
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const badRequest = (message: RegExp) => (err: unknown) => {
  assert.equal((err as { status?: number }).status, 400);
  assert.match((err as Error).message, message);
  return true;
};

test('lockout: off by default, then N failures lock until the duration has passed', () => {
  const failed = (count: number | null, at: string | null) => ({ failed_auth_count: count, failed_auth_at: at });
  assert.equal(lockoutState(OFF, failed(50, ago(0)), {}, NOW), 'open');
  const on = sc({ lockoutFailureAttempts: 3, lockoutDuration: 5 });
  assert.equal(lockoutState(on, failed(null, null), {}, NOW), 'open');
  assert.equal(lockoutState(on, failed(2, ago(0)), {}, NOW), 'open');
  assert.equal(lockoutState(on, failed(3, ago(4_999)), {}, NOW), 'locked');
  assert.equal(lockoutState(on, failed(4, ago(5_000)), {}, NOW), 'lapsed');
  assert.equal(lockoutState(on, failed(3, ago(0)), { ignore_lockout_failure_attempts: true }, NOW), 'open');
  // No duration: locked until an admin updates the user.
  assert.equal(
    lockoutState(sc({ lockoutFailureAttempts: 1, lockoutDuration: 0 }), failed(1, ago(DAY)), {}, NOW),
    'locked',
  );
});

test('expiry: a past password_expires_at is expired unless the user ignores expiry', () => {
  assert.equal(passwordIsExpired({ password_expires_at: null }, {}, NOW), false);
  assert.equal(passwordIsExpired({ password_expires_at: ago(1) }, {}, NOW), true);
  assert.equal(passwordIsExpired({ password_expires_at: ago(-1000) }, {}, NOW), false);
  assert.equal(passwordIsExpired({ password_expires_at: ago(1) }, { ignore_password_expiry: true }, NOW), false);
});

test('passwordColumns: who set it, expiry days and change upon first use', () => {
  const now = new Date(NOW);
  assert.deepEqual(passwordColumns(OFF, 'h', {}, 'admin', now), {
    password_hash: 'h',
    password_self_service: 0,
    password_created_at: now.toISOString(),
    password_expires_at: null,
  });
  assert.equal(passwordColumns(OFF, 'h', {}, 'owner', now).password_self_service, 1);
  assert.deepEqual(passwordColumns(sc({ passwordExpiresDays: 2 }), null, {}, 'admin', now), {
    password_hash: null,
    password_self_service: 0,
    password_created_at: null,
    password_expires_at: null,
  });

  const expiring = sc({ passwordExpiresDays: 2 });
  assert.equal(passwordColumns(expiring, 'h', {}, 'owner', now).password_expires_at, '2030-05-08T07:08:09.000000Z');
  assert.equal(
    passwordColumns(expiring, 'h', { ignore_password_expiry: true }, 'owner', now).password_expires_at,
    null,
  );

  const firstUse = sc({ changePasswordUponFirstUse: true, passwordExpiresDays: 2 });
  assert.equal(passwordColumns(firstUse, 'h', {}, 'admin', now).password_expires_at, passwordTime(now));
  assert.equal(passwordColumns(firstUse, 'h', {}, 'owner', now).password_expires_at, '2030-05-08T07:08:09.000000Z');
  assert.equal(
    passwordColumns(firstUse, 'h', { ignore_change_password_upon_first_use: true }, 'admin', now).password_expires_at,
    '2030-05-08T07:08:09.000000Z',
  );
  assert.equal(passwordTime(now), '2030-05-06T07:08:09.250000Z');
});

test('strength: the regex must match from the start; its description explains a refusal', () => {
  checkPasswordStrength(OFF, 'x');
  checkPasswordStrength(OFF, null);
  const strong = sc({ passwordRegex: '^(?=.*\\d)(?=.*[a-zA-Z]).{7,}$', passwordRegexDescription: '7+ chars, a digit' });
  checkPasswordStrength(strong, 'mypassword2');
  for (const weak of ['mypassword', '12345678', 'ab1'])
    assert.throws(
      () => checkPasswordStrength(strong, weak),
      badRequest(/^The password does not match the requirements: 7\+ chars, a digit\.$/),
    );
  assert.throws(() => checkPasswordStrength(strong, null), badRequest(/must be a string type/));
  // re.match semantics: anchored at the start only.
  checkPasswordStrength(sc({ passwordRegex: '[a-z]+' }), 'abc123');
  assert.throws(() => checkPasswordStrength(sc({ passwordRegex: '[a-z]+' }), '1abc'), badRequest(/requirements/));
  assert.throws(() => checkPasswordStrength(sc({ passwordRegex: '(' }), 'x'), badRequest(/invalid configuration/));
});

test('minimum age: only self-service passwords are held to it', () => {
  const aged = sc({ minimumPasswordAge: 2 });
  checkMinimumPasswordAge(aged, { password_created_at: ago(0), password_self_service: 0 }, NOW);
  checkMinimumPasswordAge(aged, { password_created_at: ago(2 * DAY), password_self_service: 1 }, NOW);
  checkMinimumPasswordAge(OFF, { password_created_at: ago(0), password_self_service: 1 }, NOW);
  assert.throws(
    () => checkMinimumPasswordAge(aged, { password_created_at: ago(DAY / 2), password_self_service: 1 }, NOW),
    badRequest(/used for 2 day\(s\) before it can be changed\. Please try again in 1 day\(s\)/),
  );
});

test('history: the last N passwords, current one included, may not come back', async () => {
  const params = { N: 1024, r: 8, p: 1 };
  const [current, older, oldest] = await Promise.all(['p3', 'p2', 'p1'].map((p) => hashPassword(p, params)));
  const hashes = [current, older, oldest];
  await checkPasswordHistory(OFF, 'p3', hashes);
  const two = sc({ uniqueLastPasswordCount: 2 });
  for (const reused of ['p3', 'p2'])
    await assert.rejects(checkPasswordHistory(two, reused, hashes), badRequest(/must be unique is 2\.$/));
  await checkPasswordHistory(two, 'p1', hashes);
  await checkPasswordHistory(two, 'p4', [null, ...hashes]);
  assert.equal(passwordHistoryDepth(OFF), 0);
  assert.equal(passwordHistoryDepth(two), 2);
});
