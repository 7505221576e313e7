// The latency chart of bench/results/latency.svg, hand-rolled SVG. Pure: rows in, text out.
// One line per (scenario, step, test, target): a bar from p50 to p99.9 on a logarithmic axis,
// with marks at p50, p99 and p99.9; redis-server in grey, quorumkv in blue.

export interface ChartRow {
  /** e.g. "single P1 SET" */
  group: string;
  target: string;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

const LEFT = 250;
const WIDTH = 900;
const ROW = 13;
const GROUP_GAP = 7;
const TOP = 54;

export function renderLatencyChart(rows: readonly ChartRow[], title: string): string {
  const finite = rows.flatMap((r) => [r.p50Ms, r.p999Ms]).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...finite, 1))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...finite, 1))));
  const x = (ms: number): number => LEFT + ((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (WIDTH - LEFT - 20);
  const parts: string[] = [];
  let y = TOP;
  let previous = '';
  for (const r of rows) {
    if (r.group !== previous) {
      if (previous !== '') y += GROUP_GAP;
      parts.push(`<text x="6" y="${y + 10}" class="g">${esc(r.group)}</text>`);
      previous = r.group;
    }
    const colour = r.target.startsWith('redis') ? '#888' : '#1f6fc5';
    parts.push(
      `<text x="${LEFT - 6}" y="${y + 10}" class="t" text-anchor="end">${esc(r.target)}</text>`,
      `<line x1="${f(x(r.p50Ms))}" y1="${y + 6}" x2="${f(x(r.p999Ms))}" y2="${y + 6}" stroke="${colour}" stroke-width="4" stroke-opacity="0.45"/>`,
      `<circle cx="${f(x(r.p50Ms))}" cy="${y + 6}" r="3.5" fill="${colour}"><title>p50 ${r.p50Ms} ms</title></circle>`,
      `<rect x="${f(x(r.p99Ms) - 3)}" y="${y + 3}" width="6" height="6" fill="${colour}"><title>p99 ${r.p99Ms} ms</title></rect>`,
      `<path d="M${f(x(r.p999Ms))},${y + 1} l4,5 l-4,5 l-4,-5 z" fill="${colour}"><title>p99.9 ${r.p999Ms} ms</title></path>`,
    );
    y += ROW;
  }
  const axis: string[] = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    axis.push(`<line x1="${f(x(v))}" y1="${TOP - 6}" x2="${f(x(v))}" y2="${y + 2}" stroke="#ddd"/>`,
      `<text x="${f(x(v))}" y="${TOP - 10}" class="t" text-anchor="middle">${v >= 1 ? v.toFixed(0) : v.toPrecision(1)} ms</text>`);
  }
  const height = y + 14;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    '<style>.g{font-size:11px;font-weight:bold}.t{font-size:10px;fill:#333}</style>',
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="6" y="16" font-size="13">${esc(title)}</text>`,
    '<text x="6" y="30" class="t">latency per request, log scale: ● p50  ■ p99  ◆ p99.9; grey: redis-server, blue: quorumkv</text>',
    ...axis,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function f(n: number): string {
  return n.toFixed(1);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
