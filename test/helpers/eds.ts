import { spawn } from 'node:child_process';
import path from 'node:path';

export const EDS_BIN = path.resolve('packages/cli/bin/eds.js');

export interface EdsRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the real `eds` binary (built by `npm run build`) as a separate process. */
export function eds(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<EdsRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EDS_BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
