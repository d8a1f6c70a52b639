import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EDS_BIN } from '../helpers/eds.js';

const GITLAB_CI_LOCAL = path.resolve('node_modules/gitlab-ci-local/dist/index.js');
const TEMPLATES = path.resolve('gitlab-templates/templates');

/** The `eds-command` input of the components under test: the repository's built CLI (or another, to compare). */
export const EDS_COMMAND = `${process.execPath} ${process.env.EDS_CLI_UNDER_TEST ?? EDS_BIN}`;

/**
 * A throw-away GitLab project: a git repository with an `origin` remote (gitlab-ci-local derives CI_PROJECT_*
 * and CI_SERVER_* from it), the components under `templates/` as a catalog project lays them out, and `files`.
 */
export function createProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eds-gitlab-project-'));
  cpSync(TEMPLATES, path.join(dir, 'templates'), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=EDS', '-c', 'user.email=eds@example.com', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', 'https://gitlab.example.com/shop/hello.git');
  git('add', '-A');
  git('commit', '-q', '-m', 'pipeline under test');
  return dir;
}

export interface RunnerResult {
  code: number;
  output: string;
}

/** Run gitlab-ci-local in `project` with the shell executor, each job in its own copy of the project. */
export function gitlabCiLocal(
  project: string,
  args: string[],
  options: { variables?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunnerResult> {
  const variables = Object.entries(options.variables ?? {}).flatMap(([k, v]) => ['--variable', `${k}=${v}`]);
  const home = path.join(project, '.gcl-home');
  mkdirSync(home, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        GITLAB_CI_LOCAL,
        '--shell-isolation',
        '--force-shell-executor',
        '--no-color',
        '--home',
        home,
        ...variables,
        ...args,
      ],
      { cwd: project, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** The JSON object `eds --json` printed in a job's log (gitlab-ci-local prefixes each line with the job name). */
export function jobJson(output: string, job: string): Record<string, unknown> {
  const lines = output
    .split('\n')
    .filter((l) => l.startsWith(`${job} `))
    .map((l) => l.slice(job.length).replace(/^\s+> ?/, ''));
  const start = lines.findIndex((l) => l === '{');
  const end = lines.findIndex((l, i) => i > start && l === '}');
  if (start < 0 || end < 0) throw new Error(`no JSON result in the log of ${job}:\n${output}`);
  return JSON.parse(lines.slice(start, end + 1).join('\n')) as Record<string, unknown>;
}
