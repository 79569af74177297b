import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { fernetEncrypt, InvalidToken } from '../../src/identity/fernet.ts';
import type { TokenPayload, TokenScope } from '../../src/identity/token-payload.ts';
import { newAuditId, packPayload, unpackPayload } from '../../src/identity/token-payload.ts';
import { issueTokenString, readTokenString } from '../../src/identity/tokens-codec.ts';

const uuidHex = () => randomUUID().replaceAll('-', '');
const KEY = randomBytes(32).toString('base64url');

function payload(scope: TokenScope, over: Partial<TokenPayload> = {}): TokenPayload {
  return {
    userId: uuidHex(),
    methods: ['password'],
    scope,
    expiresAt: Date.UTC(2031, 0, 2, 3, 4, 5, 678),
    auditIds: [newAuditId()],
    ...over,
  };
}

describe('token payload round trips', () => {
  const scopes: [string, () => TokenScope][] = [
    ['unscoped', () => ({ kind: 'unscoped' })],
    ['project (UUID)', () => ({ kind: 'project', projectId: uuidHex() })],
    ['project (non-UUID)', () => ({ kind: 'project', projectId: 'service-project' })],
    ['domain (UUID)', () => ({ kind: 'domain', domainId: uuidHex() })],
    ['domain (default)', () => ({ kind: 'domain', domainId: 'default' })],
    ['system', () => ({ kind: 'system' })],
    ['trust', () => ({ kind: 'trust', projectId: uuidHex(), trustId: uuidHex() })],
    ['trust (non-UUID project)', () => ({ kind: 'trust', projectId: 'proj-ä', trustId: uuidHex() })],
    ['app credential', () => ({ kind: 'application_credential', projectId: uuidHex(), appCredId: uuidHex() })],
    ['app credential (non-UUID)', () => ({ kind: 'application_credential', projectId: 'p', appCredId: 'ac-1' })],
  ];
  for (const [name, scope] of scopes) {
    it(name, () => {
      for (const userId of [uuidHex(), 'ldap-user@example.org']) {
        const p = payload(scope(), { userId, auditIds: [newAuditId(), newAuditId()] });
        assert.deepEqual(unpackPayload(packPayload(p)), p);
      }
    });
  }

  it('keeps whole-second and millisecond expiries exactly', () => {
    for (const expiresAt of [1_900_000_000_000, 1_900_000_000_001, 1_900_000_000_999, 0]) {
      const p = payload({ kind: 'unscoped' }, { expiresAt });
      assert.equal(unpackPayload(packPayload(p)).expiresAt, expiresAt);
    }
  });

  it('reports methods highest bit first, as Keystone does', () => {
    const p = payload({ kind: 'unscoped' }, { methods: ['password', 'totp', 'token'] });
    assert.deepEqual(unpackPayload(packPayload(p)).methods, ['totp', 'token', 'password']);
    assert.deepEqual(unpackPayload(packPayload({ ...p, methods: [] })).methods, []);
  });

  it('makes 22-character urlsafe audit ids', () => {
    const ids = new Set(Array.from({ length: 50 }, newAuditId));
    assert.equal(ids.size, 50);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
  });
});

describe('token payload wire format', () => {
  it('matches the bytes Keystone writes for a project-scoped token', () => {
    // Hand-assembled from the msgpack spec: fixarray(6), version 2, [true, bin8(16)] user, methods
    // password|token = 2|4, [true, bin8(16)] project, float64 seconds, fixarray(1) of bin8(16) audit id.
    const user = '11'.repeat(16);
    const project = '22'.repeat(16);
    const audit = Buffer.alloc(16, 0x33);
    const p = payload(
      { kind: 'project', projectId: project },
      {
        userId: user,
        methods: ['password', 'token'],
        expiresAt: 1_900_000_000_500,
        auditIds: [audit.toString('base64url')],
      },
    );
    const seconds = Buffer.alloc(8);
    seconds.writeDoubleBE(1_900_000_000.5);
    const expected = Buffer.concat([
      Buffer.from(`9602 92c3c410${user} 06 92c3c410${project} cb`.replaceAll(' ', ''), 'hex'),
      seconds,
      Buffer.from('91c410', 'hex'),
      audit,
    ]);
    assert.equal(Buffer.from(packPayload(p)).toString('hex'), expected.toString('hex'));
  });

  it('writes the expiry as a float even for whole seconds, and ids as strings when not UUIDs', () => {
    const p = payload({ kind: 'system' }, { userId: 'admin', expiresAt: 1_900_000_000_000 });
    const bytes = Buffer.from(packPayload(p));
    // fixarray(6), version 8, [false, fixstr 'admin'], methods 2, fixstr 'all', then the float64 marker.
    const prefix = `9608 92c2a5${Buffer.from('admin').toString('hex')} 02 a3${Buffer.from('all').toString('hex')} cb`;
    assert.equal(bytes.subarray(0, 16).toString('hex'), prefix.replaceAll(' ', ''));
  });

  it('reads a Keystone-style payload built independently', () => {
    const user = uuidHex();
    const domain = uuidHex();
    const audit = randomBytes(16);
    const bytes = encode([
      1,
      [true, Buffer.from(user, 'hex')],
      2,
      Buffer.from(domain, 'hex'),
      1_900_000_000.25,
      [audit],
    ]);
    assert.deepEqual(unpackPayload(bytes), {
      userId: user,
      methods: ['password'],
      scope: { kind: 'domain', domainId: domain },
      expiresAt: 1_900_000_000_250,
      auditIds: [audit.toString('base64url')],
    });
  });
});

describe('token payload rejects', () => {
  const good = () => [2, [true, randomBytes(16)], 2, [false, 'p'], 1.5e9, [randomBytes(16)]];
  const garbage: [string, Uint8Array][] = [
    ['non-msgpack bytes', Buffer.from([0xc1])],
    ['trailing bytes', Buffer.concat([encode(good()), Buffer.from([0])])],
    ['a map', encode({ a: 1 })],
    ['an empty list', encode([])],
    ['an unknown version', encode([4, ...good().slice(1)])],
    ['a missing field', encode(good().slice(0, 5))],
    ['an extra field', encode([...good(), 1])],
    ['a UUID flag on a short id', encode([2, [true, randomBytes(15)], 2, [false, 'p'], 1.5e9, [randomBytes(16)]])],
    ['an unknown method bit', encode([2, [false, 'u'], 1 << 20, [false, 'p'], 1.5e9, [randomBytes(16)]])],
    ['a string expiry', encode([2, [false, 'u'], 2, [false, 'p'], 'soon', [randomBytes(16)]])],
    ['no audit ids', encode([2, [false, 'u'], 2, [false, 'p'], 1.5e9, []])],
    [
      'three audit ids',
      encode([2, [false, 'u'], 2, [false, 'p'], 1.5e9, [randomBytes(16), randomBytes(16), randomBytes(16)]]),
    ],
    ['a non-UUID trust id', encode([3, [false, 'u'], 2, [false, 'p'], 1.5e9, [randomBytes(16)], 'trust'])],
    ['another system scope', encode([8, [false, 'u'], 2, 'domain', 1.5e9, [randomBytes(16)]])],
  ];
  for (const [name, bytes] of garbage) {
    it(name, () => assert.throws(() => unpackPayload(bytes), InvalidToken));
  }

  it('refuses to pack what it could not read back', () => {
    const p = payload({ kind: 'unscoped' });
    assert.throws(() => packPayload({ ...p, methods: ['kerberos'] }), /no token bit/);
    assert.throws(() => packPayload({ ...p, auditIds: [] }));
    assert.throws(() => packPayload({ ...p, auditIds: ['short'] }));
    assert.throws(() => packPayload({ ...p, expiresAt: Number.NaN }));
    assert.throws(() => packPayload({ ...p, userId: '' }));
    assert.throws(() => packPayload(payload({ kind: 'domain', domainId: '' })));
    assert.throws(() => packPayload(payload({ kind: 'trust', projectId: 'p', trustId: 'not-a-uuid' })));
  });
});

describe('token strings', () => {
  const p = payload({ kind: 'project', projectId: uuidHex() });

  it('issues unpadded tokens that read back with their issue time in ms', () => {
    const now = Date.UTC(2030, 5, 1, 12, 0, 0, 999);
    const token = issueTokenString([KEY], p, now);
    assert.doesNotMatch(token, /=/);
    assert.ok(token.length < 255, `length ${token.length}`);
    assert.deepEqual(readTokenString([KEY], token), { payload: p, issuedAt: Date.UTC(2030, 5, 1, 12, 0, 0) });
  });

  it('encrypts with the first key and reads with any', () => {
    const other = randomBytes(32).toString('base64url');
    const token = issueTokenString([other, KEY], p);
    assert.deepEqual(readTokenString([KEY, other], token).payload, p);
    assert.throws(() => readTokenString([KEY], token), InvalidToken);
  });

  it('rejects tampered, truncated and oversized tokens', () => {
    const token = issueTokenString([KEY], p);
    const i = 60;
    const flipped = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    assert.throws(() => readTokenString([KEY], flipped), InvalidToken);
    assert.throws(() => readTokenString([KEY], token.slice(0, -4)), InvalidToken);
    assert.throws(() => readTokenString([KEY], 'A'.repeat(1025)), /too long/);
    assert.throws(() => readTokenString([KEY], 'not a token'), InvalidToken);
  });

  it('rejects a well-signed token whose payload is not a Keystone payload', () => {
    const token = fernetEncrypt(KEY, Buffer.from('hello'));
    assert.throws(() => readTokenString([KEY], token), InvalidToken);
  });

  it('refuses to issue without keys', () => {
    assert.throws(() => issueTokenString([], p), /No Fernet keys/);
  });
});
