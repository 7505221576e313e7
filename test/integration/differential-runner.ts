/** What the differential suites share: a flushed database, raw replies of a script, labels. */
import { expect } from 'chai';
import type { Script } from './differential-cases';
import { RawClient } from './raw-client';

export async function flush(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    expect(await c.call('FLUSHALL')).to.equal('+OK\r\n');
  } finally {
    c.close();
  }
}

/** each command's reply bytes on a fresh connection, optionally after HELLO 3 */
export async function runRaw(port: number, script: Script, resp3: boolean): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    if (resp3) await c.call('HELLO', '3');
    const out: string[] = [];
    for (const cmd of script) out.push(await c.call(...cmd));
    return out;
  } finally {
    c.close();
  }
}

/** pairs each command with its answer so a failure shows which command differed */
export function labelled(script: Script, replies: readonly unknown[]): Array<[string, unknown]> {
  return script.map((cmd, i) => [cmd.map((a) => a.toString('latin1')).join(' '), replies[i]]);
}
