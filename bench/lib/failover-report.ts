// The failover scenario's Markdown report (bench/results/failover.md). Pure.

import type { FailoverRecord } from './failover';
import { fmt, headerLines, WINDOW_HEADER, windowRow } from './phase-record';

export function renderFailover(r: FailoverRecord): string {
  const ra = r.routeAround;
  const s = r.loadSummary;
  const drainBudgets = r.hintSamples.flatMap((h) => h.budgetRps ?? []).filter(Number.isFinite);
  const lines = [
    '# Benchmark: failover',
    '',
    'A 5-node quorumkv cluster (N=3, R=2, W=2, request-timeout 1000 ms) under a steady open-loop SET load',
    'through nodes 1-4; node 5 is paused with SIGSTOP until hints for it pile up, then resumed with',
    'SIGCONT while the hints drain.',
    '',
    ...headerLines(r),
    '',
    '## Headline',
    '',
    `- quiet p50 / p99 / p99.9: **${fmt(r.quiet.p50Ms)} / ${fmt(r.quiet.p99Ms)} / ${fmt(r.quiet.p999Ms)} ms**`,
    `- route-around: **${fmt(ra.routeAroundMs / 1000, 2)} s** from SIGSTOP to the end of the last request slower than ` +
      `${fmt(ra.thresholdMs, 1)} ms (max(5 × quiet p99.9, 50 ms)) that started while node 5 was stopped; ` +
      `${ra.slow} of ${ra.requests.toLocaleString('en-US')} such requests were slow, **${ra.failed} failed**`,
    `- of those, slower than ${fmt(r.stallAround.thresholdMs, 0)} ms (half the request-timeout: waiting on the stopped node): ` +
      `${r.stallAround.slow}, the last ending ${fmt(r.stallAround.routeAroundMs / 1000, 2)} s after SIGSTOP`,
    `- hints pending at SIGCONT: **${r.hintsAtCont.toLocaleString('en-US')}** (target ${r.hintTarget.toLocaleString('en-US')}) after ` +
      `${fmt(r.phases.stoppedSec, 1)} s stopped; drained in **${fmt(r.phases.drainSec, 1)} s**${r.phases.drainComplete ? '' : ' — **not drained: cap reached**'}`,
    `- during the drain p50 / p99 / p99.9: **${fmt(r.drain.p50Ms)} / ${fmt(r.drain.p99Ms)} / ${fmt(r.drain.p999Ms)} ms**; ` +
      `p99.9 drain / quiet = **${fmt(r.drainP999Ratio)}x**`,
    `- requests: ${s.sent.toLocaleString('en-US')} sent, ${s.ok.toLocaleString('en-US')} ok, ${s.errorReplies} error replies, ` +
      `${s.connectionsLost} lost with their connection, ${s.noReply} unanswered at the end${s.firstError === undefined ? '' : `; first error: \`${s.firstError}\``}` +
      `; the generator's largest send lag ${fmt(s.maxSendLagMs, 1)} ms`,
    ...(r.rateChanges.length === 0 ? [] : [`- rate changes (s after the stop → SET/s): ${r.rateChanges.map((c) => `${fmt(c.atSec, 0)} → ${c.ratePerSec}`).join(', ')}`]),
    ...(drainBudgets.length === 0 ? [] : [`- background_budget_rps of the live nodes during the drain: ${fmt(Math.min(...drainBudgets), 0)}–${fmt(Math.max(...drainBudgets), 0)}`]),
    '',
    '## Windows',
    '',
    'Each window holds the requests that were due in it (open loop: latency runs from the due time,',
    'failed requests included in the percentiles).',
    '',
    ...WINDOW_HEADER,
    windowRow(`quiet (${fmt(r.phases.quietSec, 0)} s)`, r.quiet),
    windowRow(`node 5 stopped (${fmt(r.phases.stoppedSec, 0)} s)`, r.stopped),
    windowRow(`drain (${fmt(r.phases.drainSec, 0)} s)`, r.drain),
    windowRow(`tail (${fmt(r.phases.tailSec, 0)} s)`, r.tail),
    '',
    'Second by second around the stop (s = seconds after SIGSTOP):',
    '',
    ...WINDOW_HEADER.map((l) => l.replace('window', 's')),
    ...r.afterStop.map((w) => windowRow(String(w.atSec), w)),
    '',
    'Second by second after SIGCONT (s = seconds after SIGCONT):',
    '',
    ...WINDOW_HEADER.map((l) => l.replace('window', 's')),
    ...r.afterCont.map((w) => windowRow(String(w.atSec), w)),
    '',
    'The drain in 10-second windows (s = seconds after SIGCONT):',
    '',
    ...WINDOW_HEADER.map((l) => l.replace('window', 's')),
    ...r.drainTimeline.map((w) => windowRow(String(w.atSec), w)),
    '',
    'Hints pending (summed over nodes 1-4, and per node), s after SIGSTOP:',
    '',
    r.hintSamples.map((h) => `${fmt(h.atSec, 0)}s:${Number.isFinite(h.hints) ? h.hints : '?'}(${h.perNode.map((n) => (Number.isFinite(n) ? n : '?')).join('+')})`).join(' '),
    '',
    '`INFO background` of node 1 when the drain ended:',
    '',
    '```',
    r.background.trim(),
    '```',
    '',
    '## Commands',
    '',
    ...r.servers.map((c) => `- \`${c}\``),
    `- load: \`${r.load}\``,
    '',
  ];
  return lines.join('\n');
}
