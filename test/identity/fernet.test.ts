import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { fernetDecrypt, fernetEncrypt, InvalidToken } from '../../src/identity/fernet.ts';

// Test vectors from https://github.com/fernet/spec (generate.json, verify.json, invalid.json).
const SECRET = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
const IV = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
const SPEC_TOKEN =
  'gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==';
const seconds = (iso: string) => Date.parse(iso) / 1000;
const INVALID: { desc: string; token: string; now: string }[] = [
  {
    desc: 'incorrect mac',
    token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==',
    now: '1985-10-26T01:20:01-07:00',
  },
  {
    desc: 'too short',
    token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==',
    now: '1985-10-26T01:20:01-07:00',
  },
  {
    desc: 'invalid base64',
    token: '%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==',
    now: '1985-10-26T01:20:01-07:00',
  },
  {
    desc: 'payload size not multiple of block size',
    token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm',
    now: '1985-10-26T01:20:01-07:00',
  },
  {
    desc: 'payload padding error',
    token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==',
    now: '1985-10-26T01:20:01-07:00',
  },
  {
    desc: 'far-future TS (unacceptable clock skew)',
    token: 'gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==',
    now: '1985-10-26T01:20:01-07:00',
  },
  {
    desc: 'expired TTL',
    token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==',
    now: '1985-10-26T01:21:31-07:00',
  },
  {
    desc: 'incorrect IV (causes padding error)',
    token: 'gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==',
    now: '1985-10-26T01:20:01-07:00',
  },
];

describe('fernet spec vectors', () => {
  it('generates the spec token', () => {
    const now = seconds('1985-10-26T01:20:00-07:00');
    assert.equal(now, 499162800);
    assert.equal(fernetEncrypt(SECRET, Buffer.from('hello'), { now, iv: IV }), SPEC_TOKEN);
  });

  it('verifies the spec token within its TTL', () => {
    const out = fernetDecrypt([SECRET], SPEC_TOKEN, { ttlSec: 60, now: seconds('1985-10-26T01:20:01-07:00') });
    assert.equal(out.plaintext.toString(), 'hello');
    assert.equal(out.issuedAt, 499162800);
  });

  for (const v of INVALID) {
    it(`rejects: ${v.desc}`, () => {
      assert.throws(() => fernetDecrypt([SECRET], v.token, { ttlSec: 60, now: seconds(v.now) }), InvalidToken);
    });
  }

  it('applies no TTL unless asked, as Keystone checks expiry from its payload', () => {
    assert.equal(fernetDecrypt([SECRET], SPEC_TOKEN).plaintext.toString(), 'hello');
  });
});

describe('fernet tokens', () => {
  const key = randomBytes(32);

  it('accepts the token with its padding stripped', () => {
    const unpadded = SPEC_TOKEN.replace(/=+$/, '');
    assert.notEqual(unpadded, SPEC_TOKEN);
    assert.equal(fernetDecrypt([SECRET], unpadded).plaintext.toString(), 'hello');
  });

  it('rejects wrong padding and impossible lengths', () => {
    const unpadded = SPEC_TOKEN.replace(/=+$/, '');
    assert.throws(() => fernetDecrypt([SECRET], `${unpadded}=`), InvalidToken);
    assert.throws(() => fernetDecrypt([SECRET], `${unpadded}A`), InvalidToken);
    assert.throws(() => fernetDecrypt([SECRET], ''), InvalidToken);
  });

  it('takes raw key bytes and the base64url text of the same key alike', () => {
    const token = fernetEncrypt(key, Buffer.from('x'));
    assert.equal(fernetDecrypt([`${key.toString('base64url')}=`], token).plaintext.toString(), 'x');
    assert.equal(fernetDecrypt([key.toString('base64url')], token).plaintext.toString(), 'x');
  });

  it('round-trips empty and multi-block plaintexts and stamps the current time', () => {
    const before = Math.floor(Date.now() / 1000);
    for (const size of [0, 15, 16, 17, 100]) {
      const plaintext = randomBytes(size);
      const out = fernetDecrypt([key], fernetEncrypt(key, plaintext));
      assert.deepEqual(out.plaintext, plaintext);
      assert.ok(out.issuedAt >= before && out.issuedAt <= before + 2);
    }
  });

  it('tries every key, so secondary keys still decrypt', () => {
    const old = randomBytes(32);
    const token = fernetEncrypt(old, Buffer.from('old'));
    assert.equal(fernetDecrypt([key, randomBytes(32), old], token).plaintext.toString(), 'old');
    assert.throws(() => fernetDecrypt([key], token), InvalidToken);
  });

  it('rejects any single flipped byte', () => {
    const raw = Buffer.from(fernetEncrypt(key, Buffer.from('tamper me')), 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const bent = Buffer.from(raw);
      bent[i] ^= 0x01;
      assert.throws(() => fernetDecrypt([key], bent.toString('base64url')), InvalidToken, `byte ${i}`);
    }
  });

  it('treats a bad key as a configuration error, not a bad token', () => {
    assert.throws(
      () => fernetEncrypt('too-short', Buffer.from('x')),
      (e) => !(e instanceof InvalidToken),
    );
    assert.throws(
      () => fernetDecrypt([randomBytes(16)], SPEC_TOKEN),
      (e) => !(e instanceof InvalidToken),
    );
    assert.throws(
      () => fernetDecrypt([], SPEC_TOKEN),
      (e) => !(e instanceof InvalidToken),
    );
  });
});
