import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EDS_BIN } from '../../helpers/eds.js';
import {
  pairLines,
  type DeployRequest,
  type FrontEnd,
  type StepOutcome,
  type Workspace,
} from './front-end.js';

const JENKINSFILES = path.resolve('test/parity/jenkins');
const SERVER = path.join(JENKINSFILES, 'server.groovy');
const CLASSPATH = ['jenkins-shared-lib/test/harness', 'jenkins-shared-lib/src'].join(path.delimiter);

/** Groovy 2.4 runs on Java 17 (Debian's); EDS_GROOVY_JAVA_HOME or JAVA_HOME otherwise. */
function javaHome(): string | undefined {
  return [
    process.env.EDS_GROOVY_JAVA_HOME,
    '/usr/lib/jvm/java-17-openjdk-amd64',
    '/usr/lib/jvm/java-17-openjdk-arm64',
    process.env.JAVA_HOME,
  ].find((dir): dir is string => !!dir && existsSync(path.join(dir, 'bin', 'java')));
}

const JAVA_HOME = javaHome();
const GROOVY = process.env.EDS_GROOVY ?? 'groovy';
const groovyEnv = { ...process.env, ...(JAVA_HOME ? { JAVA_HOME } : {}) };

/** Why the Jenkins front end cannot run here, or undefined when it can. */
export function jenkinsUnavailable(): string | undefined {
  const found = spawnSync(GROOVY, ['--version'], { env: groovyEnv, encoding: 'utf8' }).status === 0;
  return found ? undefined : `${GROOVY} is not installed (apt-get install groovy; Java 17)`;
}

interface BuildAnswer {
  result: string;
  outcome?: Record<string, unknown> | null;
  error?: string | null;
  console: string;
  harnessError?: string | null;
}

/** The harness Jenkins as one child process; builds run one at a time, in the order asked. */
class JenkinsServer {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #answers: ((answer: BuildAnswer) => void)[] = [];
  readonly #ready: Promise<void>;
  #queue: Promise<unknown> = Promise.resolve();
  #stderr = '';

  constructor() {
    this.#child = spawn(GROOVY, ['-cp', CLASSPATH, SERVER], {
      cwd: path.resolve('.'),
      env: groovyEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stderr.on(
      'data',
      (d: Buffer) => (this.#stderr = (this.#stderr + d.toString()).slice(-20_000)),
    );
    const lines = createInterface({ input: this.#child.stdout });
    this.#ready = new Promise((resolve, reject) => {
      this.#child.on('exit', (code) =>
        reject(new Error(`the Jenkins harness exited (${code}):\n${this.#stderr}`)),
      );
      lines.on('line', (line) => {
        if (line === '@@parity-ready') resolve();
        else if (line.startsWith('@@parity-build '))
          this.#answers.shift()?.(JSON.parse(line.slice('@@parity-build '.length)) as BuildAnswer);
      });
    });
  }

  build(request: Record<string, unknown>): Promise<BuildAnswer> {
    const next = this.#queue.then(async () => {
      await this.#ready;
      return new Promise<BuildAnswer>((resolve) => {
        this.#answers.push(resolve);
        this.#child.stdin.write(`${JSON.stringify(request)}\n`);
      });
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.stdin.end();
    await exited;
  }
}

/** What the build shows: its result, and the step's map, or the exit code in the `ERROR:` line. */
function outcome(answer: BuildAnswer): StepOutcome {
  if (answer.harnessError) throw new Error(`Jenkins harness: ${answer.harnessError}\n${answer.console}`);
  const map = (answer.outcome ?? {}) as {
    exitCode?: number;
    id?: string;
    status?: string;
    phase?: string;
    reason?: string | null;
  };
  // The `ERROR:` message can run over several lines; eds' exit code closes it: `… [exit 3: blocked by …]`.
  const fromError = [...answer.console.matchAll(/\[exit (\d+):/g)].at(-1);
  const exitCode = map.exitCode ?? (fromError ? Number(fromError[1]) : undefined);
  if (exitCode === undefined)
    throw new Error(`the Jenkins build shows no eds exit code (${answer.result}):\n${answer.console}`);
  const reason = map.reason ?? answer.error ?? undefined;
  return {
    failed: answer.result !== 'SUCCESS',
    exitCode,
    ...(map.id ? { id: map.id } : {}),
    ...(map.status ? { status: map.status } : {}),
    ...(map.phase ? { phase: map.phase } : {}),
    ...(reason ? { reason } : {}),
    log: answer.console,
  };
}

/** Jenkins: each operation is one build of a Jenkinsfile in test/parity/jenkins calling the shared library. */
export function createJenkins(): FrontEnd {
  let server: JenkinsServer | undefined;
  /** Jenkins hands a deployment id to the next build as a parameter: the last one each workspace deployed. */
  const lastDeployed = new Map<string, string>();
  const build = async (ws: Workspace, jenkinsfile: string, params: Record<string, string>) => {
    server ??= new JenkinsServer();
    const answer = await server.build({
      jenkinsfile: path.join(JENKINSFILES, `${jenkinsfile}.Jenkinsfile`),
      workspace: ws.dir,
      state: ws.state,
      edsCommand: `${process.execPath} ${EDS_BIN}`,
      params,
    });
    return outcome(answer);
  };
  const idFor = (ws: Workspace, environment: string, id: string | undefined): string => {
    const known = id ?? lastDeployed.get(`${ws.dir}#${environment}`);
    if (!known) throw new Error(`no deployment id to hand to a Jenkins build for ${environment}`);
    return known;
  };
  return {
    name: 'jenkins',
    async deploy(ws: Workspace, request: DeployRequest) {
      const result = await build(ws, 'deploy', {
        ENVIRONMENT: request.environment,
        FILE: request.file ?? 'eds.yaml',
        VERSIONS: pairLines(request.versions),
        SET: pairLines(request.set),
        WAIT_LOCK: request.waitLock ?? '',
      });
      if (result.id) lastDeployed.set(`${ws.dir}#${request.environment}`, result.id);
      return result;
    },
    promote: (ws, environment, id) => build(ws, 'promote', { DEPLOYMENT_ID: idFor(ws, environment, id) }),
    abort: (ws, environment, id) => build(ws, 'abort', { DEPLOYMENT_ID: idFor(ws, environment, id) }),
    rollback: (ws, environment) => build(ws, 'rollback', { ENVIRONMENT: environment }),
    check: (ws, environment, file) =>
      build(ws, 'check', { ENVIRONMENT: environment, FILE: file ?? 'eds.yaml' }),
    async close() {
      await server?.close();
    },
  };
}
