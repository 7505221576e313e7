/** `quorumkv-server [file.conf] [--directive value ...]`, like redis-server. */
import fs from 'node:fs';
import { parseConfig, ConfigError } from '../config';
import { QuorumNode, VERSION } from '../node';
import { isStorageError } from '../storage/errors';

function fail(message: string): never {
  process.stderr.write(`quorumkv-server: ${message}\n`);
  process.exit(1);
}

export function main(argv: string[]): void {
  if (argv[0] === '--version' || argv[0] === '-v') {
    process.stdout.write(`quorumkv-server v=${VERSION}\n`);
    return;
  }
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write('Usage: quorumkv-server [/path/to/quorumkv.conf] [--directive value ...]\n');
    return;
  }
  let fileName: string | undefined;
  let text: string | undefined;
  if (argv.length > 0 && !argv[0].startsWith('--')) {
    fileName = argv[0];
    try {
      text = fs.readFileSync(fileName, 'utf8');
    } catch (err) {
      fail(`cannot read config file '${fileName}': ${(err as Error).message}`);
    }
    argv = argv.slice(1);
  }
  let node: QuorumNode;
  try {
    const config = parseConfig({ fileName, text, argv });
    node = new QuorumNode({ config });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (err instanceof ConfigError || code === 'IDENTITY_MISMATCH' || code === 'DATA_DIR') fail((err as Error).message);
    throw err;
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    node.log.info({ signal }, 'shutting down');
    node.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        node.log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  node.start().catch((err: unknown) => {
    // an operator's mistake (the data directory in use, the port taken) needs its message, not a stack
    if (isStorageError(err, 'STORE_LOCKED') || ['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL'].includes((err as { code?: string }).code ?? '')) {
      node.log.fatal({ code: (err as { code?: string }).code }, 'start-up failed: %s', (err as Error).message);
    } else {
      node.log.fatal({ err }, 'start-up failed');
    }
    fail(`start-up failed: ${(err as Error).message}`);
  });
}
