import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsSource, VersionMetrics } from '../../src/targets/index.js';
import {
  createVirtualClock,
  getProvider,
  metricName,
  parseAnalysisTemplate,
  parseCondition,
  type MeasureRequest,
  type PreparedMetric,
  type ProviderReading,
} from '../../src/analysis/index.js';

/** Router metrics per version, replaceable between measurements (stands in for the agent's router). */
export class ScriptedMetrics implements MetricsSource {
  readonly reads: { version: string; windowMs: number }[] = [];
  constructor(public byVersion: Record<string, Partial<VersionMetrics> | Error>) {}
  async read(component: string, version: string, windowMs: number): Promise<VersionMetrics> {
    this.reads.push({ version, windowMs });
    const entry = this.byVersion[version];
    if (entry instanceof Error) throw entry;
    const requests = entry?.requests ?? 0;
    const errors5xx = entry?.errors5xx ?? 0;
    return {
      component,
      version,
      windowMs,
      requests,
      errors5xx,
      errorRate: requests > 0 ? errors5xx / requests : 0,
      ...entry,
    };
  }
}

/** Prepare one metric the way runAnalysis does, so a provider can be called directly. */
export function prepare(metric: Record<string, unknown>): PreparedMetric {
  const template = parseAnalysisTemplate({ interval: '1s', count: 1, metrics: [metric] });
  const spec = template.metrics[0];
  const condition = spec.condition === undefined ? undefined : parseCondition(spec.condition);
  const quantity = spec.metric ?? condition?.metric;
  return {
    name: metricName(spec),
    spec,
    ...(condition ? { condition } : {}),
    ...(quantity ? { quantity } : {}),
  };
}

export function request(overrides: Partial<MeasureRequest> = {}): MeasureRequest {
  return {
    component: 'web',
    canaryVersion: '2.0.0',
    stableVersion: '1.0.0',
    version: '2.0.0',
    role: 'canary',
    metrics: new ScriptedMetrics({}),
    signal: new AbortController().signal,
    clock: createVirtualClock(0),
    windowMs: 1000,
    minRequests: 20,
    timeoutMs: 2000,
    ...overrides,
  };
}

export async function measure(
  metric: Record<string, unknown>,
  overrides: Partial<MeasureRequest> = {},
): Promise<ProviderReading> {
  const prepared = prepare(metric);
  return getProvider(prepared.spec.provider).measure(prepared, request(overrides));
}

export interface TestServer {
  url: string;
  requests: { url: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 with the given handler. */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}
