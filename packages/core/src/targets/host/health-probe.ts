import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { HealthCheckSpec } from '../target.js';

export type ProbeResult = { ok: true } | { ok: false; error: string };
export type Probe = () => Promise<ProbeResult>;

/** GET `path`; 2xx and 3xx are healthy. Errors read like `GET /healthz -> 404` for the controller's record. */
export function httpProbe(host: string, port: number, path: string, timeoutMs: number): Probe {
  return () =>
    new Promise((resolve) => {
      const req = http.get(
        { host, port, path, agent: false, timeout: timeoutMs, headers: { 'user-agent': 'eds-agent-health' } },
        (res) => {
          res.resume();
          const status = res.statusCode ?? 0;
          resolve(
            status >= 200 && status < 400 ? { ok: true } : { ok: false, error: `GET ${path} -> ${status}` },
          );
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => {
        resolve({
          ok: false,
          error: `GET ${path} -> ${error.code === 'ETIMEDOUT' ? `timeout after ${timeoutMs}ms` : (error.code ?? error.message)}`,
        });
      });
    });
}

/** Healthy when a TCP connection to the instance port opens. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Probe {
  return () =>
    new Promise((resolve) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ ok: false, error: `TCP ${port} -> timeout after ${timeoutMs}ms` });
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ ok: true });
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({ ok: false, error: `TCP ${port} -> ${error.code ?? error.message}` });
      });
    });
}

/** A shell command with the instance's environment; exit 0 is healthy, a timeout kills its process group. */
export function commandProbe(
  command: string,
  cwd: string | undefined,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Probe {
  return () =>
    new Promise((resolve) => {
      const child = spawn('sh', ['-c', command], { cwd, env, stdio: 'ignore', detached: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        resolve({ ok: false, error: `health command failed to start: ${error.message}` });
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve({ ok: true });
        else if (timedOut) resolve({ ok: false, error: `health command timed out after ${timeoutMs}ms` });
        else
          resolve({
            ok: false,
            error: `health command exited with ${code === null ? `signal ${signal}` : `code ${code}`}`,
          });
      });
    });
}

export function probeFor(
  spec: HealthCheckSpec,
  host: string,
  port: number,
  cwd: string | undefined,
  env: NodeJS.ProcessEnv,
): Probe {
  if (spec.http !== undefined) return httpProbe(host, port, spec.http, spec.timeoutMs);
  if (spec.command !== undefined) return commandProbe(spec.command, cwd, env, spec.timeoutMs);
  // No check given (or `tcp: true`): an open port is the least a routable instance must have.
  return tcpProbe(host, port, spec.timeoutMs);
}
