/**
 * Run the emulator as a standalone process (for trying kubectl by hand, or a benchmark):
 *
 *   npx tsc -p test/emulators/kubernetes/tsconfig.standalone.json && \
 *     node node_modules/.cache/eds-k8s-emulator/test/emulators/kubernetes/main.js [--port 8001]
 *   export KUBECONFIG=<the path it prints>; kubectl get ns
 *
 * Prints one JSON line `{ url, kubeconfigPath, token }` on stdout and serves until SIGINT/SIGTERM.
 * Options come from EMULATOR_* environment variables (EMULATOR_READY_DELAY_MS, EMULATOR_NAMESPACES).
 */
import { startEmulator } from './server.js';

function numberFromEnv(name: string): number | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value);
}

const portFlag = process.argv.indexOf('--port');
const emulator = await startEmulator({
  port: portFlag >= 0 ? Number(process.argv[portFlag + 1]) : numberFromEnv('EMULATOR_PORT'),
  readyDelayMs: numberFromEnv('EMULATOR_READY_DELAY_MS'),
  slowReadyDelayMs: numberFromEnv('EMULATOR_SLOW_READY_DELAY_MS'),
  namespaces: (process.env.EMULATOR_NAMESPACES ?? '').split(',').filter((n) => n !== ''),
  kubeconfigPath: process.env.EMULATOR_KUBECONFIG || undefined,
});
process.stdout.write(
  `${JSON.stringify({ url: emulator.url, kubeconfigPath: emulator.kubeconfigPath, token: emulator.token })}\n`,
);
const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
