/**
 * Differential tests: every script of differential-cases.ts runs against a real redis-server 7.0
 * and a real quorumkv node, each on an empty database, and the answers must be identical: the raw
 * reply bytes (RESP2, and RESP3 after HELLO 3), ioredis's parsed replies, and redis-cli's output
 * in its --no-raw and --raw forms.
 */
import { expect } from 'chai';
import { DIFF_CASES } from './differential-cases';
import { labelled, runRaw, useServerPair } from './differential-runner';
import { ioClient, runCli, runIo } from './client-helpers';

describe('differential: quorumkv answers every Foundation command as redis-server 7.0 does', function () {
  this.timeout(30000);
  const { both } = useServerPair();

  for (const tc of DIFF_CASES) {
    describe(tc.name, () => {
      it('gives the same RESP2 reply bytes', async () => {
        const { ours, theirs } = await both((p) => runRaw(p, tc.script, false));
        expect(labelled(tc.script, ours)).to.deep.equal(labelled(tc.script, theirs));
      });

      it('gives the same RESP3 reply bytes after HELLO 3', async () => {
        const { ours, theirs } = await both((p) => runRaw(p, tc.script, true));
        expect(labelled(tc.script, ours)).to.deep.equal(labelled(tc.script, theirs));
      });

      if (tc.clients === false) return;

      it('gives the same replies through ioredis', async () => {
        const { ours, theirs } = await both(async (p) => {
          const client = ioClient(p);
          try {
            return await runIo(client, tc.script);
          } finally {
            client.disconnect();
          }
        });
        expect(labelled(tc.script, ours)).to.deep.equal(labelled(tc.script, theirs));
      });

      for (const mode of ['--no-raw', '--raw'] as const) {
        it(`prints the same through redis-cli ${mode}`, async () => {
          const { ours, theirs } = await both((p) => runCli(p, tc.script, mode));
          expect(ours).to.equal(theirs);
        });
      }
    });
  }
});
