import { expect } from 'chai';
import { atTurnEnd, beforeOutput, TurnStage } from '../../lib/util/turn-end';

const nextTurn = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('atTurnEnd: storage, then output, at the end of the event-loop turn', () => {
  it('runs output after storage and after the promise callbacks storage set off', async () => {
    const order: string[] = [];
    let acknowledge!: () => void;
    const acknowledged = new Promise<void>((r) => (acknowledge = r));
    // a reply waits for a write that storage acknowledges, three promise hops later
    void acknowledged.then(() => Promise.resolve()).then(() => {
      order.push('reply ready');
      atTurnEnd(TurnStage.OUTPUT, () => order.push('reply written'));
    });
    atTurnEnd(TurnStage.OUTPUT, () => order.push('output'));
    atTurnEnd(TurnStage.STORAGE, () => {
      order.push('storage');
      acknowledge();
      // queued while the check phase runs: the next turn's check phase
      setImmediate(() => order.push('next turn'));
    });
    await nextTurn();
    // the reply leaves in the same turn as the acknowledgement, not the next one
    expect(order).to.deep.equal(['storage', 'reply ready', 'output', 'reply written', 'next turn']);
  });

  it('work added after its stage ran this turn runs at the end of the next one', async () => {
    const order: string[] = [];
    atTurnEnd(TurnStage.OUTPUT, () => {
      order.push('output 1');
      atTurnEnd(TurnStage.STORAGE, () => order.push('storage 2'));
    });
    await nextTurn();
    expect(order).to.deep.equal(['output 1', 'storage 2']);
  });

  it('a task that throws does not keep the others of its stage, or the next turn, from running', async () => {
    const order: string[] = [];
    const errors: unknown[] = [];
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', (err) => errors.push(err));
    try {
      atTurnEnd(TurnStage.OUTPUT, () => order.push('a'));
      atTurnEnd(TurnStage.STORAGE, () => {
        // asked for between the stages: for the next turn, which the throw below must not cancel
        void Promise.resolve().then(() => atTurnEnd(TurnStage.STORAGE, () => order.push('next turn')));
      });
      atTurnEnd(TurnStage.OUTPUT, () => {
        throw new Error('boom');
      });
      atTurnEnd(TurnStage.OUTPUT, () => order.push('c'));
      await nextTurn();
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const l of listeners) process.on('uncaughtException', l);
    }
    expect(order).to.deep.equal(['a', 'c', 'next turn']);
    expect(errors.map((e) => (e as Error).message)).to.deep.equal(['boom']);
  });
  it('beforeOutput: whenever in the turn it is asked for, before that turn\'s output stage', async () => {
    const order: string[] = [];
    atTurnEnd(TurnStage.OUTPUT, () => order.push('output'));
    beforeOutput(() => order.push('asked in the poll phase'));
    atTurnEnd(TurnStage.STORAGE, () => {
      order.push('storage');
      // asked for between the stages: still before this turn's output
      void Promise.resolve().then(() => beforeOutput(() => order.push('asked after storage')));
    });
    atTurnEnd(TurnStage.OUTPUT, () => beforeOutput(() => order.push('asked during output: next turn')));
    await nextTurn();
    expect(order).to.deep.equal(['asked in the poll phase', 'storage', 'asked after storage', 'output', 'asked during output: next turn']);
  });
});
