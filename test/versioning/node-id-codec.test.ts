import { expect } from 'chai';
import { nodeIdBytes, readNodeId, writeNodeId } from '../../lib/versioning/node-id-codec';
import { Reader } from '../../lib/versioning/varint';
import { VersioningError } from '../../lib/versioning/errors';

/** the bytes of names written one after another */
function encoded(names: string[]): Buffer {
  const out = Buffer.alloc(names.length * 260);
  let pos = 0;
  for (const n of names) pos = writeNodeId(out, pos, nodeIdBytes(n, 'BAD_RECORD'));
  return out.subarray(0, pos);
}

function readAll(buf: Buffer, count: number): string[] {
  const r = new Reader(buf, 'BAD_RECORD');
  return Array.from({ length: count }, () => readNodeId(r));
}

describe('versioning/node-id-codec', () => {
  it('reads back every name it wrote, ASCII or not, short or 255 bytes', () => {
    const names = ['n1', 'node2', 'a'.repeat(40), 'zoné-ß', '節点', 'x'.repeat(255), 'n1'];
    expect(readAll(encoded(names), names.length)).to.deep.equal(names);
  });

  it('gives the same string for the same bytes, and still the right one past 64 distinct names', () => {
    const many = Array.from({ length: 150 }, (_, i) => `node-${i}`);
    const buf = encoded([...many, ...many]);
    const got = readAll(buf, many.length * 2);
    expect(got).to.deep.equal([...many, ...many]);
    const [a, b] = readAll(encoded(['node-149', 'node-149']), 2);
    expect(a).to.equal(b);
  });

  it('keeps its own copy: bytes changed after a read do not change a later read of the old bytes', () => {
    const buf = encoded(['mutable-name']);
    expect(readAll(buf, 1)).to.deep.equal(['mutable-name']);
    buf[1] = 'M'.charCodeAt(0);
    expect(readAll(buf, 1)).to.deep.equal(['Mutable-name']);
    expect(readAll(encoded(['mutable-name']), 1)).to.deep.equal(['mutable-name']);
  });

  it('refuses bytes that are not UTF-8, even of the length of a name it knows', () => {
    readAll(encoded(['ab']), 1);
    const bad = Buffer.from([2, 0xc3, 0x28]);
    expect(() => readAll(bad, 1)).to.throw(VersioningError, /not valid UTF-8/);
  });
});
