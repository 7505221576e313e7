/**
 * The V8 flags a quorumkv node runs with: bin/quorumkv-server's shebang line passes them (it
 * cannot import this file; test/cli/node-flags.test.ts keeps the two equal), and whatever starts
 * a node with `node bin/quorumkv-server` (npm start, the bench) puts them first.
 *
 * --max-semi-space-size=32 (MB; Node 20's default is 16): under load a request's state lives as
 * long as its latency, tens of ms at -P 16, which outlasts a 16 MB young generation, so nearly all
 * of it was promoted and collected by mark-compact. With 32 MB it mostly dies young: a 3-node
 * cluster spent 16% less CPU per SET and 20% less per GET, for ~30 MB more RSS per node.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
