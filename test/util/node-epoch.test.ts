import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beginEpoch, markCleanShutdown, nextEpoch, readBootId, versionActor } from '../../lib/node-epoch';
import { applyWrite, emptyRecord, mergeRecords } from '../../lib/versioning';
import type { NewVersion, VRecord } from '../../lib/versioning/types';

const v = (s: string, ts: number): NewVersion => ({ payload: { kind: 'bytes', data: Buffer.from(s) }, ts, expireAt: null });
const values = (r: VRecord) => r.siblings.map((s) => (s.payload.kind === 'bytes' ? s.payload.data.toString() : s.payload.kind)).sort();

describe('node epochs (the version actor after a reboot that may have lost writes)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-epoch-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('moves only after an unclean stop followed by a reboot (or an unknown boot)', () => {
    const prev = { epoch: 4, bootId: 'boot-a' };
    expect(nextEpoch(null, false, 'boot-a'), 'a new data directory').to.equal(0);
    expect(nextEpoch(prev, true, 'boot-b'), 'clean stop, then a reboot').to.equal(4);
    expect(nextEpoch(prev, false, 'boot-a'), 'the process died, the machine did not').to.equal(4);
    expect(nextEpoch(prev, false, 'boot-b'), 'unclean stop and a reboot').to.equal(5);
    expect(nextEpoch(prev, false, null), 'boot id unreadable').to.equal(5);
    expect(nextEpoch({ epoch: 4, bootId: null }, false, null)).to.equal(5);
  });

  it('names epoch 0 by the node id and later epochs by an actor no node id can be', () => {
    expect(versionActor('n1', 0)).to.equal('n1');
    expect(versionActor('n1', 3)).to.equal('n1@3');
  });

  it('keeps the epoch in the data directory across starts, consuming the clean-shutdown mark', () => {
    expect(beginEpoch(dir, 'boot-a')).to.deep.equal({ epoch: 0, bootId: 'boot-a' });
    // killed, restarted on the same boot: the page cache kept every write
    expect(beginEpoch(dir, 'boot-a').epoch).to.equal(0);
    // killed, then the machine rebooted
    expect(beginEpoch(dir, 'boot-b').epoch).to.equal(1);
    markCleanShutdown(dir);
    expect(beginEpoch(dir, 'boot-c').epoch, 'clean stop before the reboot').to.equal(1);
    expect(fs.existsSync(path.join(dir, 'clean-shutdown')), 'the mark is used up').to.equal(false);
    expect(beginEpoch(dir, 'boot-d').epoch, 'no clean stop since the last start').to.equal(2);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'epoch'), 'utf8'))).to.deep.equal({ epoch: 2, bootId: 'boot-d' });
  });

  it('refuses to guess an epoch from a damaged state file', () => {
    for (const bad of ['', 'garbage', '{"epoch":-1,"bootId":null}', '{"epoch":1.5,"bootId":"x"}', '{"epoch":2,"bootId":7}']) {
      fs.writeFileSync(path.join(dir, 'epoch'), bad);
      expect(() => beginEpoch(dir, 'boot-a'), bad).to.throw(/not a valid epoch state/).with.property('code', 'EPOCH_STATE_INVALID');
    }
  });

  it('reads the kernel boot id on Linux', function () {
    if (process.platform !== 'linux') this.skip();
    expect(readBootId()).to.match(/^[0-9a-f-]{36}$/);
    expect(readBootId()).to.equal(readBootId());
  });

  it('a new actor keeps both writes where the old one would repeat a dot a lost write already has', () => {
    // node A coordinated v1 and v2; B holds both, but an OS crash took v2 from A's disk
    const v1 = applyWrite(emptyRecord(), emptyRecord().vv, 'A', v('v1', 1));
    const v2 = applyWrite(v1, v1.vv, 'A', v('v2', 2));
    const onB = v2;
    const onA = v1; // what A has after the reboot
    // a client reads v1 through A and writes v3 with that context
    const sameActor = applyWrite(onA, onA.vv, 'A', v('v3', 3));
    expect(sameActor.siblings[0]!.dot, 'the dot of the lost v2, for other content').to.deep.equal(v2.siblings[0]!.dot);
    expect(values(mergeRecords(sameActor, onB)), 'one of the two writes is gone').to.have.length(1);
    const newActor = applyWrite(onA, onA.vv, versionActor('A', 1), v('v3', 3));
    expect(values(mergeRecords(newActor, onB)), 'concurrent: both kept as siblings').to.deep.equal(['v2', 'v3']);
    expect(values(mergeRecords(onB, newActor))).to.deep.equal(['v2', 'v3']);
  });
});
