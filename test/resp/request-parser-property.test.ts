import { expect } from 'chai';
import fc from 'fast-check';
import { makeLimits } from '../../lib/resp/limits';
import { latin1, multibulk, parseChunks } from './helpers';

/** Cuts input at the given (sorted, deduplicated) positions. */
function cut(input: Buffer, positions: number[]): Buffer[] {
  const points = [...new Set(positions.map((p) => p % (input.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    chunks.push(input.subarray(last, p));
    last = p;
  }
  chunks.push(input.subarray(last));
  return chunks;
}

/** Byte soup leaning towards protocol characters, so that it reaches deep parser states. */
const soup = fc
  .array(
    fc.oneof(
      fc.constantFrom('*', '$', '\r', '\n', '\r\n', '-', '0', '1', '2', '3', '9', '"', "'", '\\', '\\x4', ' ', '\t', 'PING', '*1\r\n', '*2\r\n', '$3\r\n', '$0\r\n', '\0'),
      fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString('latin1')),
    ),
    { maxLength: 60 },
  )
  .map((parts) => latin1(parts.join('')));

const smallLimits = makeLimits({ maxInlineLen: 24, maxBulkLen: 64, maxMultibulkLen: 8, maxQueryBuffer: 200 });
/** The query buffer limit depends on chunking by nature (as in Redis), so it is off here. */
const splitFreeLimits = makeLimits({ maxInlineLen: 24, maxBulkLen: 64, maxMultibulkLen: 8 });

describe('RequestParser: properties', () => {
  it('never throws on random input; reports at most one error and nothing after it', () => {
    fc.assert(
      fc.property(soup, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (input, cuts, authenticated) => {
        for (const limits of [smallLimits, makeLimits()]) {
          const outcome = parseChunks(cut(input, cuts), { limits, authenticated });
          expect(outcome.errorCount).to.be.at.most(1);
          expect(outcome.afterError).to.equal(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same commands and error however the input is split', () => {
    fc.assert(
      fc.property(soup, fc.array(fc.nat(), { maxLength: 6 }), (input, cuts) => {
        const limits = splitFreeLimits;
        const whole = parseChunks([input], { limits });
        const split = parseChunks(cut(input, cuts), { limits });
        const bytes = parseChunks(cut(input, Array.from({ length: input.length }, (_, i) => i)), { limits });
        for (const other of [split, bytes]) {
          expect(other.commands).to.deep.equal(whole.commands);
          expect(other.error?.message).to.equal(whole.error?.message);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips any binary arguments sent as multibulk, however split', () => {
    const commands = fc.array(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 6 }), { maxLength: 20 });
    fc.assert(
      fc.property(commands, fc.array(fc.nat(), { maxLength: 10 }), (cmds, cuts) => {
        const input = Buffer.concat(cmds.map((args) => multibulk(...args.map((a) => Buffer.from(a)))));
        const outcome = parseChunks(cut(input, cuts));
        expect(outcome.error).to.equal(null);
        expect(outcome.commands).to.deep.equal(cmds.map((args) => args.map((a) => Buffer.from(a).toString('latin1'))));
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any bytes written as \\xHH escapes in inline double quotes', () => {
    const quote = (arg: Uint8Array): string =>
      `"${Array.from(arg, (b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}"`;
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: 1, maxLength: 5 }), (args) => {
        const line = latin1(`${args.map(quote).join(' ')}\r\n`);
        const outcome = parseChunks([line]);
        expect(outcome.error).to.equal(null);
        expect(outcome.commands).to.deep.equal([args.map((a) => Buffer.from(a).toString('latin1'))]);
      }),
      { numRuns: 500 },
    );
  });
});
