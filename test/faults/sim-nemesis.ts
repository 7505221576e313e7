/**
 * A seeded nemesis for the in-process cluster: at each step it kills or restarts a node,
 * partitions the nodes into two random groups, isolates one, heals the network, or sets a drop
 * rate or a delay range. It never has more than `maxDown` nodes crashed at once. Every fault is
 * logged with its simulated time.
 */
import { randomBetween, randomInt, type Rng } from '../../lib/util/rng';
import type { SimCluster } from '../cluster/sim-cluster';

export interface NemesisOptions {
  readonly maxDown: number;
  /** largest drop rate it sets */
  readonly maxDrop: number;
  /** largest delay (ms) it sets */
  readonly maxDelay: number;
  /**
   * crashes that are operating-system crashes (the node keeps only what it synced); default 0. A
   * crash is one while any are left and the last one was at least `osCrashGapMs` ago. The gap keeps
   * the checker sound: a write acknowledged by W ≥ 2 replicas survives on one that did not lose it
   * (Redis's `appendfsync everysec` loses such a write to two machines failing within its second).
   */
  readonly osCrashes?: number;
  /** the least time between two OS crashes: more than the stores' sync interval; default 1100 */
  readonly osCrashGapMs?: number;
}

export type FaultKind = 'crash' | 'oscrash' | 'restart' | 'partition' | 'isolate' | 'heal' | 'drops' | 'delay';

export class Nemesis {
  readonly log: string[] = [];
  readonly counts: Record<FaultKind, number> = { crash: 0, oscrash: 0, restart: 0, partition: 0, isolate: 0, heal: 0, drops: 0, delay: 0 };
  private readonly start: number;
  private lastOsCrash = -Infinity;

  constructor(
    private readonly sim: SimCluster,
    private readonly rng: Rng,
    private readonly opts: NemesisOptions,
  ) {
    this.start = sim.clock.now();
  }

  /** one random fault */
  async step(): Promise<void> {
    const n = this.sim.ids.length;
    const all = Array.from({ length: n }, (_, i) => i);
    const down = all.filter((i) => this.sim.isCrashed(i));
    const up = all.filter((i) => !this.sim.isCrashed(i));
    const r = this.rng();
    if (r < 0.2 && down.length < this.opts.maxDown) {
      const i = up[randomInt(this.rng, up.length)]!;
      const now = this.sim.clock.now();
      if (this.counts.oscrash < (this.opts.osCrashes ?? 0) && now - this.lastOsCrash >= (this.opts.osCrashGapMs ?? 1100)) {
        this.lastOsCrash = now;
        this.sim.osCrash(i);
        this.note('oscrash', `n${i}`);
      } else {
        this.sim.crash(i);
        this.note('crash', `n${i}`);
      }
    } else if (r < 0.4 && down.length > 0) {
      const i = down[randomInt(this.rng, down.length)]!;
      await this.sim.restart(i);
      this.note('restart', `n${i}`);
    } else if (r < 0.55) {
      const shuffled = [...all].sort(() => this.rng() - 0.5);
      const k = 1 + randomInt(this.rng, n - 1);
      const a = shuffled.slice(0, k);
      const b = shuffled.slice(k);
      this.sim.partition(a, b);
      this.note('partition', `${a.map((i) => `n${i}`).join('+')} | ${b.map((i) => `n${i}`).join('+')}`);
    } else if (r < 0.65) {
      const i = randomInt(this.rng, n);
      this.sim.isolate(i);
      this.note('isolate', `n${i}`);
    } else if (r < 0.8) {
      this.sim.heal();
      this.note('heal', 'network');
    } else if (r < 0.9) {
      const p = Math.round(randomBetween(this.rng, 0, this.opts.maxDrop) * 100) / 100;
      this.sim.dropRate(p);
      this.note('drops', String(p));
    } else {
      const max = randomInt(this.rng, this.opts.maxDelay + 1);
      this.sim.delay(0, max);
      this.note('delay', `0-${max} ms`);
    }
  }

  /** heal the network and restart every crashed node */
  async healAll(): Promise<void> {
    this.sim.heal();
    for (let i = 0; i < this.sim.ids.length; i++) if (this.sim.isCrashed(i)) await this.sim.restart(i);
  }

  total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  summary(): string {
    return Object.entries(this.counts).filter(([, c]) => c > 0).map(([k, c]) => `${k}×${c}`).join(' ');
  }

  private note(kind: FaultKind, what: string): void {
    this.counts[kind]++;
    this.log.push(`+${this.sim.clock.now() - this.start}ms ${kind} ${what}`);
  }
}
