/**
 * INFO's instantaneous_* figures as Redis computes them (trackInstantaneousMetric): a counter is
 * sampled every 100 ms, each sample gives the rate since the one before, and the figure is the
 * mean of the last 16 rates (1.6 s). Pure: the caller passes the time and the counter's value.
 */
export const SAMPLE_INTERVAL_MS = 100;
const SAMPLES = 16;

export class InstantaneousRate {
  private readonly rates = new Float64Array(SAMPLES);
  private next = 0;
  private filled = 0;
  private lastTime: number | null = null;
  private lastValue = 0;

  /** the counter's value at `nowMs` */
  sample(nowMs: number, value: number): void {
    if (this.lastTime !== null && nowMs > this.lastTime) {
      this.rates[this.next] = ((value - this.lastValue) * 1000) / (nowMs - this.lastTime);
      this.next = (this.next + 1) % SAMPLES;
      this.filled = Math.min(SAMPLES, this.filled + 1);
    }
    this.lastTime = nowMs;
    this.lastValue = value;
  }

  /** per second, the mean of the samples so far (0 before the second sample) */
  perSecond(): number {
    let sum = 0;
    for (let i = 0; i < this.filled; i++) sum += this.rates[i]!;
    return this.filled === 0 ? 0 : sum / this.filled;
  }
}

/** ops/s and network kbps of a node, fed from its counters every SAMPLE_INTERVAL_MS */
export class InstantaneousMetrics {
  readonly ops = new InstantaneousRate();
  readonly inputBytes = new InstantaneousRate();
  readonly outputBytes = new InstantaneousRate();

  sample(nowMs: number, commands: number, net: { readonly input: number; readonly output: number }): void {
    this.ops.sample(nowMs, commands);
    this.inputBytes.sample(nowMs, net.input);
    this.outputBytes.sample(nowMs, net.output);
  }

  /** the INFO stats fields, Redis's names and rounding (ops as an integer, kbps with two decimals) */
  infoFields(): Array<[string, string | number]> {
    return [
      ['instantaneous_ops_per_sec', Math.round(this.ops.perSecond())],
      ['instantaneous_input_kbps', (this.inputBytes.perSecond() / 1024).toFixed(2)],
      ['instantaneous_output_kbps', (this.outputBytes.perSecond() / 1024).toFixed(2)],
    ];
  }
}
