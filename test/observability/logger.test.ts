import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError } from '../../lib/config';
import { createLogger, nullLogger, pinoLevelFor } from '../../lib/observability/logger';

/**
 * The destination writes asynchronously and its flush callback does not wait for a write already
 * under way, so wait until the file holds `count` lines (or give up after 2 s).
 */
async function readLines(file: string, count: number): Promise<string[]> {
  for (let waited = 0; ; waited += 10) {
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    if (lines.length >= count || waited >= 2000) return lines;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('observability/logger', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'qkv-log-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('maps Redis log levels onto pino levels', () => {
    expect(['debug', 'verbose', 'notice', 'warning', 'info', 'warn', 'error', 'NOTICE'].map(pinoLevelFor))
      .to.deep.equal(['debug', 'debug', 'info', 'warn', 'info', 'warn', 'error', 'info']);
  });

  it('rejects an unknown level with a ConfigError', () => {
    expect(() => pinoLevelFor('loud')).to.throw(ConfigError, "unknown log level 'loud'");
  });

  it('appends JSON lines at or above the level to the log file, with the node id', async () => {
    const logfile = join(dir, 'node.log');
    const logger = createLogger({ level: 'notice', logfile, nodeId: 'node1' });
    expect(logger.level).to.equal('info');
    logger.debug('hidden');
    logger.child({ module: 'test' }).info({ port: 7001 }, 'listening');
    logger.warn('careful');
    const lines = (await readLines(logfile, 2)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['msg'])).to.deep.equal(['listening', 'careful']);
    expect(lines[0]).to.include({ level: 'info', nodeId: 'node1', module: 'test', port: 7001 });
    expect(lines[1]).to.include({ level: 'warn' });
    expect(String(lines[0]?.['time'])).to.match(/^\d{4}-\d\d-\d\dT/);
  });

  it('appends to an existing log file rather than truncating it', async () => {
    const logfile = join(dir, 'node.log');
    for (const [i, msg] of ['first', 'second'].entries()) {
      const logger = createLogger({ level: 'debug', logfile });
      logger.info(msg);
      await readLines(logfile, i + 1);
    }
    const lines = await readLines(logfile, 2);
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).to.deep.equal(['first', 'second']);
  });

  it('fails at once with a ConfigError naming logfile when the file cannot be opened', () => {
    expect(() => createLogger({ level: 'notice', logfile: join(dir, 'missing', 'x.log') }))
      .to.throw(ConfigError, /^logfile: cannot open '.*x\.log' for appending/);
  });

  it('logs to stdout when logfile is empty', () => {
    const logger = createLogger({ level: 'warning', logfile: '' });
    expect(logger.level).to.equal('warn');
    expect(logger.isLevelEnabled('info')).to.equal(false);
  });

  it('gives a silent logger for tests', () => {
    const logger = nullLogger();
    expect(logger.level).to.equal('silent');
    expect(logger.isLevelEnabled('error')).to.equal(false);
    logger.error('goes nowhere');
  });
});
