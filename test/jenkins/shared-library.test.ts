import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '@eds/core';
import { EDS_BIN } from '../helpers/eds.js';

/**
 * The Jenkins shared library (jenkins-shared-lib/): its Groovy harness runs the example Jenkinsfiles against the
 * real `eds` CLI and host agent (jenkins-shared-lib/test/run-tests.groovy), and npm-groovy-lint checks vars/ and
 * src/. Both need Java; the harness needs Debian's `groovy` (2.4, which runs on Java 17).
 */

const LIBRARY = path.resolve('jenkins-shared-lib');

/** Groovy 2.4 needs a Java it supports: EDS_GROOVY_JAVA_HOME, else Debian's Java 17, default-java, or JAVA_HOME. */
function javaHome(): string | undefined {
  const candidates = [
    process.env.EDS_GROOVY_JAVA_HOME,
    '/usr/lib/jvm/java-17-openjdk-amd64',
    '/usr/lib/jvm/java-17-openjdk-arm64',
    '/usr/lib/jvm/default-java',
    process.env.JAVA_HOME,
  ];
  return candidates.find((dir): dir is string => !!dir && existsSync(path.join(dir, 'bin', 'java')));
}

const JAVA_HOME = javaHome();
const env = { ...process.env, ...(JAVA_HOME ? { JAVA_HOME } : {}) };
/** The groovy command (EDS_GROOVY overrides it, e.g. an SDKMAN install). */
const GROOVY = process.env.EDS_GROOVY ?? 'groovy';
const groovyFound = spawnSync(GROOVY, ['--version'], { env, encoding: 'utf8' }).status === 0;
const missing = !groovyFound
  ? `${GROOVY} (with Java${JAVA_HOME ? ` at ${JAVA_HOME}` : ''}) is not installed: .ci/run installs it ` +
    '(apt-get install groovy); the Jenkins shared library tests need it'
  : undefined;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

interface Scenario {
  name: string;
  ok: boolean;
  seconds: number;
  message?: string;
  console?: string;
}
interface Report {
  scenarios: Scenario[];
  secret: string;
  checkScenario: boolean;
  builds: number;
}
interface LintReport {
  summary: { totalFilesLinted: number; totalFoundErrorNumber: number; totalFoundWarningNumber: number };
  files: Record<string, { errors: { severity: string; msg: string; line: number; rule: string }[] }>;
}

describe('Jenkins shared library: static resources', () => {
  it('maps exit codes exactly as the CLI does, and pins the CLI version the library falls back to', () => {
    const resource = JSON.parse(
      readFileSync(path.join(LIBRARY, 'resources/io/eds/jenkins/eds-cli.json'), 'utf8'),
    ) as { package: string; version: string; exitCodes: { code: number; name: string }[] };
    expect(Object.fromEntries(resource.exitCodes.map((e) => [e.name, e.code]))).toEqual(ExitCode);
    const cli = JSON.parse(readFileSync(path.resolve('packages/cli/package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    expect({ package: resource.package, version: resource.version }).toEqual({
      package: cli.name,
      version: cli.version,
    });
  });

  it('has a help page for every step', () => {
    for (const step of [
      'edsDeploy',
      'edsPromote',
      'edsAbort',
      'edsRollback',
      'edsApprove',
      'edsCheck',
      'edsStatus',
    ]) {
      expect(existsSync(path.join(LIBRARY, 'vars', `${step}.groovy`))).toBe(true);
      expect(readFileSync(path.join(LIBRARY, 'vars', `${step}.txt`), 'utf8')).toContain(step);
    }
  });
});

if (missing && process.env.CI) {
  describe('Jenkins shared library', () => {
    it('has groovy to run on', () => {
      throw new Error(missing);
    });
  });
} else if (missing) {
  process.stderr.write(`\n  SKIPPED Jenkins shared library harness and lint: ${missing}\n\n`);
  describe.skip(`Jenkins shared library (skipped: ${missing})`, () => {
    it('runs the harness', () => undefined);
  });
} else {
  describe('Jenkins shared library on the Groovy harness (real eds CLI, real host agent) and npm-groovy-lint', () => {
    let harness: Run;
    let report: Report;
    let lint: Run;
    const reportDir = mkdtempSync(path.join(os.tmpdir(), 'eds-jenkins-report-'));

    afterAll(() => rmSync(reportDir, { recursive: true, force: true }));

    beforeAll(async () => {
      if (!existsSync(EDS_BIN.replace(/bin[/\\]eds\.js$/, 'dist/main.js')))
        throw new Error('packages/cli is not built: run `npm run build` first');
      const reportFile = path.join(reportDir, 'report.json');
      [harness, lint] = await Promise.all([
        run(
          GROOVY,
          ['-cp', 'test/harness:src', 'test/run-tests.groovy', '--report', reportFile, '--verbose'],
          LIBRARY,
          150_000,
          { EDS_COMMAND: `${process.execPath} ${EDS_BIN}` },
        ),
        run(
          process.execPath,
          [
            path.resolve('node_modules/npm-groovy-lint/lib/index.js'),
            '--noserver',
            ...(JAVA_HOME ? [`--javaexecutable=${path.join(JAVA_HOME, 'bin', 'java')}`] : []),
            '--javaoptions=-Xms256m,-Xmx1024m,-XX:TieredStopAtLevel=1,-XX:+UseSerialGC',
            '--failon',
            'error',
            '--output',
            'json',
            'vars',
            'src',
          ],
          LIBRARY,
          150_000,
        ),
      ]);
      if (!existsSync(reportFile))
        throw new Error(
          `the harness wrote no report (exit ${harness.code}):\n${harness.stdout}\n${harness.stderr.slice(-4000)}`,
        );
      report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    }, 170_000);

    it('runs every example Jenkinsfile scenario to the expected end', () => {
      const failed = report.scenarios
        .filter((s) => !s.ok)
        .map((s) => `${s.name}: ${s.message ?? ''}\n${s.console ?? ''}`);
      expect(failed).toEqual([]);
      expect(harness.code).toBe(0);
      const names = report.scenarios.map((s) => s.name);
      for (const expected of [
        /^argument validation fails the build naming the step and argument/,
        /^canary: deploy -> analysis -> input approved by alice -> edsPromote -> COMPLETED$/,
        /^bad version: analysis catches the errors, the build fails with the reason, the environment is rolled back$/,
        /^input aborted by bob/,
        /^approval gate/,
        /later build; meanwhile the environment is locked \(exit 4\)$/,
        /^rollback/,
        /^milestone/,
        /^no console output and no stored record or state holds the credential value$/,
      ])
        expect(names.some((name) => expected.test(name))).toBe(true);
      expect(names.filter((name) => name.startsWith('edsCheck')).length).toBe(report.checkScenario ? 2 : 0);
      expect(report.builds).toBeGreaterThan(25);
    });

    it('never prints the credential value, in any build console or the harness output', () => {
      expect(report.secret).toMatch(/^s3cr3t-/);
      expect(harness.stdout).not.toContain(report.secret);
      expect(harness.stderr).not.toContain(report.secret);
      // The consoles really are in that output (--verbose), so the check above covers them.
      expect(harness.stderr).toContain('[Pipeline] withCredentials');
    });

    it('passes npm-groovy-lint over vars/ and src/ with --failon error, without warnings', () => {
      const result = JSON.parse(lint.stdout) as LintReport;
      const problems = Object.entries(result.files).flatMap(([file, { errors }]) =>
        errors
          .filter((e) => e.severity !== 'info')
          .map((e) => `${path.relative(LIBRARY, file)}:${e.line} ${e.severity} ${e.rule}: ${e.msg}`),
      );
      expect(problems).toEqual([]);
      expect(lint.code).toBe(0);
      expect(result.summary.totalFilesLinted).toBe(14);
    });
  });
}
