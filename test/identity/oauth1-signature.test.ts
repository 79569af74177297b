import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  baseStringUri,
  oauthEscape,
  parseOAuthHeader,
  signatureBaseString,
  verifySignature,
} from '../../src/identity/oauth1-signature.ts';

// Computed independently with the algorithm of Tempest's OAUTHTokenClient (Python hmac/urllib).
const oauth = new Map([
  ['oauth_nonce', '1234567891700000000'],
  ['oauth_timestamp', '1700000000'],
  ['oauth_version', '1.0'],
  ['oauth_signature_method', 'HMAC-SHA1'],
  ['oauth_consumer_key', 'c0ffeec0ffeec0ffeec0ffeec0ffeeab'],
  ['oauth_token', 'a'.repeat(32)],
  ['oauth_verifier', 'AbCd2345'],
  ['oauth_signature', '9xqwKMytk+tv2M6CTewKoQjkryA='],
]);
const request = { method: 'post', url: 'http://Example.COM:5000/identity/v3/OS-OAUTH1/access_token', oauth, query: [] };

test('oauth1 signature: base string and HMAC-SHA1 match an independent implementation', () => {
  assert.equal(
    signatureBaseString(request),
    'POST&http%3A%2F%2Fexample.com%3A5000%2Fidentity%2Fv3%2FOS-OAUTH1%2Faccess_token&oauth_consumer_key%3Dc0ffeec0ffeec0ffeec0ffeec0ffeeab%26oauth_nonce%3D1234567891700000000%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1700000000%26oauth_token%3Daaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%26oauth_verifier%3DAbCd2345%26oauth_version%3D1.0',
  );
  assert.equal(verifySignature(request, 's3cr3t/+', 't0ken secret'), true);
  assert.equal(verifySignature(request, 's3cr3t/+', 'other'), false);
  assert.equal(
    verifySignature({ ...request, url: request.url.replace('access', 'request') }, 's3cr3t/+', 't0ken secret'),
    false,
  );
  const unsigned = new Map(oauth);
  unsigned.delete('oauth_signature');
  assert.equal(verifySignature({ ...request, oauth: unsigned }, 's3cr3t/+', 't0ken secret'), false);
});

test('oauth1 signature: escaping, URIs and the Authorization header', () => {
  assert.equal(oauthEscape("a b!*'()~._-/"), 'a%20b%21%2A%27%28%29~._-%2F');
  assert.equal(baseStringUri('HTTP://Host:80/a//b?x=1'), 'http://host/a/b');
  assert.equal(baseStringUri('https://h:8443/p'), 'https://h:8443/p');
  const parsed = parseOAuthHeader(
    'OAuth realm="", oauth_nonce="12", oauth_signature="ab%2Bc%3D", oauth_callback="oob"',
  );
  assert.deepEqual(Object.fromEntries(parsed ?? []), {
    realm: '',
    oauth_nonce: '12',
    oauth_signature: 'ab+c=',
    oauth_callback: 'oob',
  });
  assert.equal(parseOAuthHeader('Bearer xyz'), undefined);
  assert.equal(parseOAuthHeader(undefined), undefined);
});
