import { execFile } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPair, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { badRequest } from './errors.ts';

const invalid = (reason: string) => badRequest(`Keypair data is invalid: ${reason}`);
const colonHex = (digest: Buffer) => digest.toString('hex').replace(/(..)(?!$)/g, '$1:');

/** SSH wire-format strings: a 4-byte big-endian length, then the bytes. */
function readStrings(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) throw invalid('failed to generate fingerprint');
    const len = blob.readUInt32BE(at);
    at += 4;
    if (at + len > blob.length) throw invalid('failed to generate fingerprint');
    out.push(blob.subarray(at, at + len));
    at += len;
  }
  return out;
}

const CURVES: Record<string, string> = {
  'ecdsa-sha2-nistp256': 'nistp256',
  'ecdsa-sha2-nistp384': 'nistp384',
  'ecdsa-sha2-nistp521': 'nistp521',
};

/**
 * Checks an OpenSSH public key line (`ssh-rsa AAAA... comment`, ed25519 and ECDSA too) the way loading it with
 * a crypto library would, and returns Nova's fingerprint: the MD5 of the decoded key blob, colon-separated hex.
 */
export function sshFingerprint(publicKey: string): string {
  const parts = publicKey.trim().split(/\s+/);
  if (parts.length < 2 || parts[0] === '') throw invalid('failed to generate fingerprint');
  const [type, body] = parts;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw invalid('failed to generate fingerprint');
  const blob = Buffer.from(body, 'base64');
  const fields = readStrings(blob);
  if (fields[0]?.toString() !== type) throw invalid('failed to generate fingerprint');
  if (type === 'ssh-rsa') {
    if (fields.length !== 3) throw invalid('failed to generate fingerprint');
    const unsigned = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b).toString('base64url');
    try {
      const key = createPublicKey({
        key: { kty: 'RSA', e: unsigned(fields[1]), n: unsigned(fields[2]) },
        format: 'jwk',
      });
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < 768) throw new Error('too short');
    } catch {
      throw invalid('failed to generate fingerprint');
    }
  } else if (type === 'ssh-ed25519') {
    if (fields.length !== 2 || fields[1].length !== 32) throw invalid('failed to generate fingerprint');
  } else if (type in CURVES) {
    if (fields.length !== 3 || fields[1].toString() !== CURVES[type] || fields[2][0] !== 4)
      throw invalid('failed to generate fingerprint');
  } else throw invalid('failed to generate fingerprint');
  return colonHex(createHash('md5').update(blob).digest());
}

/** An x509 key pair's fingerprint: SHA-1 of the certificate's DER, colon-separated (Nova's for WinRM certs). */
export function x509Fingerprint(pem: string): string {
  try {
    return colonHex(createHash('sha1').update(new X509Certificate(pem).raw).digest());
  } catch {
    throw invalid('failed to generate fingerprint');
  }
}

const sshString = (b: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};
/** SSH mpint: big-endian, with a leading zero byte when the top bit is set (positive numbers). */
const mpint = (b: Buffer) => sshString(b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);

/** A new 2048-bit RSA key pair: the private key in PEM (PKCS#1), the public one as an OpenSSH line. */
export async function generateSshKeyPair(): Promise<{ privateKey: string; publicKey: string; fingerprint: string }> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'jwk' } as never,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const jwk = publicKey as unknown as { n: string; e: string };
  const blob = Buffer.concat([
    sshString(Buffer.from('ssh-rsa')),
    mpint(Buffer.from(jwk.e, 'base64url')),
    mpint(Buffer.from(jwk.n, 'base64url')),
  ]);
  const line = `ssh-rsa ${blob.toString('base64')} Generated-by-Nova`;
  return { privateKey: privateKey as unknown as string, publicKey: line, fingerprint: sshFingerprint(line) };
}

/**
 * A self-signed certificate for an x509 key pair (Nova's WinRM certificate, CN = the user id), made by the
 * openssl tool as Nova shells out to it.
 */
export async function generateX509KeyPair(
  userId: string,
): Promise<{ privateKey: string; publicKey: string; fingerprint: string }> {
  const { stdout } = await promisify(execFile)(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '3650',
      '-subj',
      `/CN=${userId}`,
      '-keyout',
      '-',
      '-out',
      '-',
    ],
    { timeout: 20_000, encoding: 'utf8' },
  );
  const privateKey = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----\n?/.exec(stdout)?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(stdout)?.[0];
  if (!privateKey || !cert) throw new Error('openssl produced no certificate');
  return { privateKey, publicKey: cert, fingerprint: x509Fingerprint(cert) };
}
