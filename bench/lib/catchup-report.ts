// The catchup scenario's Markdown report (bench/results/catchup.md). Pure.

import { SETTLED_KEYS_PER_POLL, type CatchupMode, type CatchupRecord } from './catchup';
import { fmt, headerLines, WINDOW_HEADER, windowRow } from './phase-record';

const TARGET_RATIO = 1.25;

export function renderCatchup(r: CatchupRecord): string {
  const lines = [
    '# Benchmark: catchup',
    '',
    `A 3-node quorumkv cluster (N=3 R=2 W=2, hinted-handoff no, anti-entropy-interval 1000 ms): node 3 is`,
    `killed (SIGKILL), ${r.keys.toLocaleString('en-US')} keys are written through nodes 1-2, node 3 restarts and catches up by`,
    'anti-entropy while a steady open-loop load (2,000 SET/s, 16 connections, nodes 1-2) runs; then the same',
    'load runs on with the nodes in sync. Once with the background controller on, once off, a fresh',
    'cluster each, one after the other in the same run.',
    '',
    ...headerLines(r),
    '',
    '## Headline',
    '',
    '| controller | quiet p99.9 ms | catch-up p99.9 ms | ratio | catch-up s | failed requests | background_budget_rps during catch-up (per node, min–max) |',
    '| :--- | ---: | ---: | ---: | ---: | ---: | :--- |',
    ...r.modes.map((m) => `| ${m.controller === 'yes' ? 'on' : 'off'} | ${fmt(m.quiet.p999Ms)} | ${fmt(m.catchup.p999Ms)} | **${fmt(m.p999Ratio)}x** | ` +
      `${Number.isFinite(m.catchupSec) ? fmt(m.catchupSec, 1) : 'not within the cap'} | ${m.catchup.failed + m.quiet.failed} | ${budgetRange(m)} |`),
    '',
    `Target: with the controller on, catch-up p99.9 at most ${TARGET_RATIO}x the quiet p99.9` +
      `${r.modes[0] === undefined ? '' : ` — ${r.modes[0].p999Ratio <= TARGET_RATIO ? 'met' : '**not met**'} in this run`}.`,
    '',
    `catch-up s: from restarting node 3 until it holds every one of ${r.modes[0]?.sampled ?? 200} sampled loaded keys (DEBUG`,
    'REPLICA on node 3, polled every 2 s) and anti-entropy has gone quiet (at most ' +
      `${SETTLED_KEYS_PER_POLL} keys pushed + pulled, all nodes, between two polls; the end is the earlier poll).`,
    'The catch-up window holds the requests due from the restart until then; the in-sync window those',
    'due from then to the end of the run.',
    '',
    ...r.modes.flatMap(renderMode),
    '## Commands',
    '',
    ...r.modes.flatMap((m) => [`controller ${m.controller}:`, '', ...m.servers.map((c) => `- \`${c}\``), `- load: \`${m.load}\``, '']),
  ];
  return lines.join('\n');
}

/** min–max of each node's background_budget_rps over the polls of the catch-up */
function budgetRange(m: CatchupMode): string {
  const polls = m.samples.filter((s) => !Number.isFinite(m.catchupSec) || s.atSec <= m.catchupSec + 2);
  return [0, 1, 2].map((node) => {
    const rates = polls.map((s) => s.budgetRps[node]).filter(Number.isFinite);
    return rates.length === 0 ? `n${node + 1} –` : `n${node + 1} ${fmt(Math.min(...rates), 0)}–${fmt(Math.max(...rates), 0)}`;
  }).join(', ');
}

function renderMode(m: CatchupMode): string[] {
  const s = m.loadSummary;
  return [
    `## Controller ${m.controller === 'yes' ? 'on' : 'off'} (background-controller ${m.controller})`,
    '',
    `- preload: ${m.preload.keys.toLocaleString('en-US')} keys through nodes 1-2 in ${fmt(m.preload.seconds, 1)} s, ${m.preload.errors} errors` +
      `${m.preload.firstError === undefined ? '' : ` (first: \`${m.preload.firstError}\`)`}`,
    `- node 3 seen up by nodes 1-2 ${fmt(m.seenUpSec, 1)} s after its restart; sampled keys all present after ` +
      `${Number.isFinite(m.presentSec) ? `${fmt(m.presentSec, 1)} s` : '— (cap reached)'}; caught up (anti-entropy quiet too) after ` +
      `${Number.isFinite(m.catchupSec) ? `${fmt(m.catchupSec, 1)} s` : '— (cap reached)'}`,
    `- keys pushed + pulled by anti-entropy (all nodes): ${m.aeKeysTotal.toLocaleString('en-US')}`,
    `- requests: ${s.sent.toLocaleString('en-US')} sent, ${s.ok.toLocaleString('en-US')} ok, ${s.errorReplies} error replies, ${s.connectionsLost} lost, ` +
      `${s.noReply} unanswered${s.firstError === undefined ? '' : `; first error: \`${s.firstError}\``}; the generator's largest send lag ${fmt(s.maxSendLagMs, 1)} ms`,
    '',
    ...WINDOW_HEADER,
    windowRow(`catching up (${Number.isFinite(m.catchupSec) ? fmt(m.catchupSec, 0) : '?'} s)`, m.catchup),
    windowRow('in sync', m.quiet),
    '',
    'Polls (s after the restart: sampled keys present / anti-entropy keys moved / budget rps of nodes 1, 2, 3):',
    '',
    m.samples.map((p) => `${fmt(p.atSec, 0)}s:${p.present}/${p.aeKeys}/${p.budgetRps.map((b) => (Number.isFinite(b) ? b : '?')).join(',')}`).join(' '),
    '',
    '`INFO background` of each node when the catch-up ended:',
    '',
    '```',
    ...m.background.map((b, i) => `# node ${i + 1}\n${b.trim()}`),
    '```',
    '',
  ];
}
