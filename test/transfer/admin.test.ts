/** The admin CLI's RESP reply parser and its formatting helpers. */
import { expect } from 'chai';
import { parseReply, RespErrorReply } from '../../lib/cli/resp-client';
import { infoFields, run } from '../../lib/cli/admin';

describe('transfer: admin CLI', () => {
  it('parses nested replies only once they are complete, byte by byte', () => {
    const wire = Buffer.from('*3\r\n$2\r\nid\r\n:42\r\n*2\r\n+OK\r\n-ERR no\r\n');
    for (let i = 0; i < wire.length; i++) expect(parseReply(wire.subarray(0, i))).to.equal(null);
    const r = parseReply(wire)!;
    expect(r.end).to.equal(wire.length);
    expect(r.value).to.deep.equal(['id', 42, ['OK', new RespErrorReply('ERR no')]]);
  });

  it('reads INFO fields and skips section headers', () => {
    expect([...infoFields('# Handoff\r\nhints_pending:3\r\nhints_per_target:n1=3\r\n')]).to.deep.equal([['hints_pending', '3'], ['hints_per_target', 'n1=3']]);
  });

  it('answers a wrong invocation with the usage and status 2', async () => {
    const err: string[] = [];
    expect(await run(['leave'], { out: () => undefined, err: (l) => err.push(l) })).to.equal(2);
    expect(err.join('\n')).to.match(/Usage: quorumkv/);
  });
});
