import { expect } from 'chai';
import { ConfigError } from '../../lib/config/errors';
import { argvEntries, fileEntries } from '../../lib/config/sources';

const shape = (entries: ReturnType<typeof argvEntries>) =>
  entries.map((e) => [e.name, ...e.args]);

describe('config/sources', () => {
  it('numbers file lines from 1 and skips comments and blank lines', () => {
    const entries = fileEntries('a.conf', '# top\n\n  port 7001\r\n\t# indented comment\nBIND x y\n');
    expect(entries.map((e) => [e.where, e.name, ...e.args])).to.deep.equal([
      ['a.conf:3', 'port', '7001'],
      ['a.conf:5', 'bind', 'x', 'y'],
    ]);
  });

  it('reports unbalanced quotes with the file, line and directive', () => {
    try {
      fileEntries('a.conf', 'port 1\nbind "127.0.0.1\n');
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).message).to.equal(`a.conf:2: unbalanced quotes in 'bind "127.0.0.1'`);
      expect((err as ConfigError).directive).to.equal('bind');
    }
  });

  it('groups command-line values up to the next --option', () => {
    expect(shape(argvEntries(['--port', '7001', '--bind', '127.0.0.1', '::1', '--Zone', 'z1'])))
      .to.deep.equal([['port', '7001'], ['bind', '127.0.0.1', '::1'], ['zone', 'z1']]);
  });

  it('takes the first argument after an option as its value even if it starts with --', () => {
    expect(shape(argvEntries(['--requirepass', '--x--', '--port', '1'])))
      .to.deep.equal([['requirepass', '--x--'], ['port', '1']]);
  });

  it('accepts an option and its value in one argument, like redis-server', () => {
    expect(shape(argvEntries(['--port 7001', '--seeds a:1 "b:2"'])))
      .to.deep.equal([['port', '7001'], ['seeds', 'a:1', 'b:2']]);
  });

  it('keeps values verbatim (the shell already unquoted them)', () => {
    expect(shape(argvEntries(['--requirepass', 'p "w d\\n']))).to.deep.equal([['requirepass', 'p "w d\\n']]);
  });

  it('keeps an option given with no value, for the parser to reject', () => {
    expect(shape(argvEntries(['--port']))).to.deep.equal([['port']]);
  });

  it('rejects a value before any option', () => {
    expect(() => argvEntries(['7001', '--port', '1']))
      .to.throw(ConfigError, "command line: unexpected argument '7001' (directives start with --)");
  });
});
