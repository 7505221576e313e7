/**
 * The HTTP listener of `metrics-port`: GET (or HEAD) /metrics answers the exposition text; any
 * other path 404, any other method 405. One listener per bind address, as the RESP port has.
 */
import http from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from './metrics';

export function metricsHandler(metrics: Metrics, log: Logger): http.RequestListener {
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('method not allowed\n');
      return;
    }
    metrics.render().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        log.error({ err }, 'metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n');
      },
    );
  };
}

export class MetricsListener {
  private readonly servers: http.Server[] = [];

  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  async listen(hosts: readonly string[], port: number): Promise<void> {
    for (const host of hosts) {
      const srv = http.createServer(metricsHandler(this.metrics, this.log));
      // a scraper that stalls must not hold a socket for ever
      srv.requestTimeout = 10_000;
      srv.headersTimeout = 10_000;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, host, () => {
          srv.off('error', reject);
          resolve();
        });
      });
      srv.on('error', (err) => this.log.error({ err }, 'metrics listener error'));
      this.servers.push(srv);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => {
      s.close(() => r());
      s.closeAllConnections();
    })));
  }
}
