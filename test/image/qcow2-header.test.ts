import assert from 'node:assert/strict';
import { test } from 'node:test';
import { qcow2VirtualSize, virtualSizeOf } from '../../src/image/qcow2-header.ts';

const header = (version: number, size: bigint) => {
  const b = Buffer.alloc(104);
  b.write('QFI\xfb', 0, 'latin1');
  b.writeUInt32BE(version, 4);
  b.writeBigUInt64BE(size, 24);
  return b;
};

test('qcow2 header: the virtual size is bytes 24..31, big-endian', () => {
  assert.equal(qcow2VirtualSize(header(3, 1073741824n)), 1073741824);
  assert.equal(qcow2VirtualSize(header(2, 42n)), 42);
  assert.equal(qcow2VirtualSize(header(9, 42n)), undefined, 'unknown version');
  assert.equal(qcow2VirtualSize(Buffer.from('not a qcow2 image at all, just some bytes')), undefined);
  assert.equal(qcow2VirtualSize(Buffer.alloc(10)), undefined, 'too short');
  assert.equal(qcow2VirtualSize(header(3, 2n ** 63n)), undefined, 'beyond what a JS number holds exactly');
});

test('virtual size by disk format', () => {
  assert.equal(virtualSizeOf('raw', Buffer.alloc(0), 123), 123);
  assert.equal(virtualSizeOf('qcow2', header(3, 5000n), 123), 5000);
  assert.equal(virtualSizeOf('qcow2', Buffer.alloc(64), 123), null);
  assert.equal(virtualSizeOf('vmdk', Buffer.alloc(64), 123), null);
});
