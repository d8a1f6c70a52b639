/**
 * Watch latency of rollout tracking: time from the emulator marking the last replica of a new version Ready
 * to EDS reporting the rollout complete, side by side with `kubectl rollout status` in the same runs.
 * Needs `npm run build` (for packages/kubernetes/dist) and kubectl on PATH. Prints one JSON object.
 *
 *   node bench/k8s-watch.js [--runs 7] [--replicas 3]
 */
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('runs', 7);
const replicas = arg('replicas', 3);
const namespace = 'bench';

// The emulator is TypeScript under test/: compile its standalone build once.
execFileSync('npx', ['tsc', '-p', 'test/emulators/kubernetes/tsconfig.standalone.json'], {
  cwd: root,
  stdio: 'inherit',
});
const { startEmulator } = await import(
  pathToFileURL(path.join(root, 'node_modules/.cache/eds-k8s-emulator/test/emulators/kubernetes/server.js'))
    .href
);
const { connect, KubernetesTarget } = await import(
  pathToFileURL(path.join(root, 'packages/kubernetes/dist/index.js')).href
);

const emulator = await startEmulator({ namespaces: [namespace], readyDelayMs: 1000 });
const lastReady = new Map();
emulator.events.on('pod-ready', (event) => {
  if (event.namespace === namespace) lastReady.set(event.name, event.at);
});

const target = new KubernetesTarget({
  ...connect({ kubeconfig: emulator.kubeconfigPath, namespace }),
  application: 'bench',
  environment: 'bench',
  layout: 'ROLLING',
  rolling: { maxSurge: replicas, maxUnavailable: 0 },
  components: { web: { image: 'registry.example.com/bench/web:1.0.0', specVersion: '1.0.0', replicas } },
});

function kubectlRolloutStatus() {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'kubectl',
      [
        '--kubeconfig',
        emulator.kubeconfigPath,
        '-n',
        namespace,
        'rollout',
        'status',
        'deployment/bench-web',
        '--timeout=60s',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(Date.now()) : reject(new Error(`kubectl exited ${code}: ${stderr}`)),
    );
  });
}

const request = (version) => ({
  component: 'web',
  version,
  instances: replicas,
  run: { command: 'n/a' },
  health: { intervalMs: 1000, timeoutMs: 1000, healthyThreshold: 1, unhealthyThreshold: 3 },
  env: {},
});

const eds = [];
const kubectl = [];
for (let i = 0; i < runs; i += 1) {
  const version = `1.0.${i}`;
  lastReady.clear();
  await target.deploy(request(version));
  const [edsDone, kubectlDone] = await Promise.all([
    target.waitForRollout('web', version, { timeoutMs: 60_000 }).then(() => Date.now()),
    kubectlRolloutStatus(),
  ]);
  const readyAt = Math.max(...lastReady.values());
  eds.push(edsDone - readyAt);
  kubectl.push(kubectlDone - readyAt);
}
target.close();
await emulator.close();

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { medianMs: at(0.5), p95Ms: at(0.95), minMs: sorted[0], maxMs: sorted.at(-1), samplesMs: values };
};
const result = {
  benchmark: 'k8s-watch',
  description:
    'ms from the last replica marked Ready to rollout reported complete (emulator in-process, kubectl a child process)',
  runs,
  replicas,
  eds: stats(eds),
  kubectl: stats(kubectl),
};
result.edsNotSlowerThanKubectl = result.eds.medianMs <= result.kubectl.medianMs;
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
