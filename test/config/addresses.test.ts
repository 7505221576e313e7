import { expect } from 'chai';
import { parseBindAddress, parseSeed, renderSeed } from '../../lib/config/addresses';

describe('config/addresses', () => {
  it('accepts IPv4, IPv6 and host names to bind to', () => {
    for (const a of ['127.0.0.1', '0.0.0.0', '::', '::1', 'fe80::1%eth0', '2001:db8::8:800:200c:417a',
      '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8', 'localhost', 'db-1.example.com']) {
      expect(parseBindAddress(a), a).to.equal(a);
    }
  });

  it('rejects malformed addresses, including Redis\'s * wildcard', () => {
    for (const a of ['*', '-::*', '256.0.0.1', '1.2.3', '1:2:3:4:5:6:7:8:9', '1::2::3', 'a..b',
      '-host', 'host_name', ':::', 'fe80::1%']) {
      expect(parseBindAddress(a), a).to.equal(undefined);
    }
  });

  it('parses host:port seeds, with IPv6 in brackets, and prints them back', () => {
    for (const [text, host, port] of [
      ['127.0.0.1:17001', '127.0.0.1', 17001], ['[::1]:17002', '::1', 17002], ['node-a:1', 'node-a', 1],
    ] as const) {
      const seed = parseSeed(text);
      expect(seed, text).to.deep.equal({ host, port });
      expect(renderSeed({ host, port })).to.equal(text);
    }
  });

  it('rejects seeds without a valid port or host', () => {
    for (const s of ['127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', ':7001', '::1:7001', '[localhost]:1',
      'a b:1', 'host:12x']) {
      expect(parseSeed(s), s).to.equal(undefined);
    }
  });
});
