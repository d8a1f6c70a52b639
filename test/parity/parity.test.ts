import { afterAll, describe, expect, it } from '@jest/globals';
import { diff } from './differ.js';
import {
  createFrontEnds,
  FRONT_END_NAMES,
  jenkinsUnavailable,
  type FrontEndName,
  type StepOutcome,
} from './front-ends/index.js';
import { normaliseRecord, type Json } from './normalise.js';
import { runScenario, type ScenarioRun } from './run-scenario.js';
import { SCENARIOS, type Expected } from './scenarios.js';
import { recordSchemaValidator } from './schema.js';
import { writeGoldenRecords } from './golden.js';

/*
 * E10 parity: every scenario through GitHub Actions (the committed action bundles on the runner harness), GitLab
 * CI (the CI/CD components on gitlab-ci-local) and Jenkins (the shared library on the Groovy harness), each with a
 * state directory of its own on the host agent, front ends of one scenario in parallel. The records must agree
 * field by field once ids, times, who/where, endpoints and measured values are set aside; so must what each CI
 * system shows of every step (failed or not, eds' exit code, status and phase).
 */
const missingJenkins = jenkinsUnavailable();
if (missingJenkins && process.env.CI)
  throw new Error(`the parity suite needs Jenkins' harness: ${missingJenkins}`);
if (missingJenkins) process.stderr.write(`\n  parity WITHOUT Jenkins: ${missingJenkins}\n\n`);
const names: FrontEndName[] = FRONT_END_NAMES.filter((n) => n !== 'jenkins' || !missingJenkins);
const frontEnds = createFrontEnds();
const validateRecord = recordSchemaValidator();

afterAll(async () => {
  await Promise.all(Object.values(frontEnds).map((fe) => fe.close()));
});

const shown = (o: StepOutcome): Expected => ({
  failed: o.failed,
  exitCode: o.exitCode,
  ...(o.status ? { status: o.status } : {}),
  ...(o.phase ? { phase: o.phase } : {}),
});

/** Problems of one front end's run on its own: unexpected step results, invalid records, wrong attribution. */
function ownProblems(run: ScenarioRun, expected: Expected[], versions: string[]): string[] {
  const problems: string[] = [];
  const seen = run.outcomes.map(shown);
  expected.forEach((want, i) => {
    const got = seen[i];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      problems.push(
        `step ${i + 1}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}\n` +
          `--- ${run.frontEnd} log of step ${i + 1} (tail) ---\n${(run.outcomes[i]?.log ?? '').slice(-3000)}`,
      );
    }
  });
  const deployed = run.records.map(
    (r) => (r.deployment as unknown as { components: { version: string }[] }).components[0]?.version,
  );
  if (JSON.stringify(deployed) !== JSON.stringify(versions))
    problems.push(
      `deployments of versions ${JSON.stringify(deployed)}, expected ${JSON.stringify(versions)}`,
    );
  for (const record of run.records) {
    for (const error of validateRecord(record))
      problems.push(`${record.deployment.id} fails record.schema.json: ${error}`);
    if (record.deployment.metadata?.frontEnd !== run.frontEnd)
      problems.push(
        `${record.deployment.id}: metadata.frontEnd is ${String(record.deployment.metadata?.frontEnd)}`,
      );
    for (const event of record.events)
      if (event.by && event.by.frontEnd !== run.frontEnd)
        problems.push(
          `${record.deployment.id} event ${event.seq} ${event.type} by ${String(event.by.frontEnd)}`,
        );
    if (!record.events.every((e) => e.by))
      problems.push(`${record.deployment.id}: an event says nobody did it`);
  }
  return problems.map((p) => `${run.frontEnd}: ${p}`);
}

/** What is compared across front ends. */
const comparable = (run: ScenarioRun): Json => ({
  steps: run.outcomes.map((o) => shown(o) as unknown as Json),
  deployments: run.records.map(normaliseRecord),
});

describe('parity: the same deployment through GitHub Actions, GitLab CI and Jenkins', () => {
  for (const scenario of SCENARIOS) {
    it(
      scenario.name,
      async () => {
        const runs = await Promise.all(names.map((name) => runScenario(frontEnds[name], scenario)));
        writeGoldenRecords(scenario.name, runs);

        const problems = runs.flatMap((run) => ownProblems(run, scenario.expected, scenario.versions));
        expect(problems.join('\n\n')).toBe('');

        const differences = diff(Object.fromEntries(runs.map((run) => [run.frontEnd, comparable(run)])));
        const traffic = runs.map((run) => `${run.frontEnd} traffic: ${JSON.stringify(run.traffic)}`);
        expect(differences.length ? [...differences, '', ...traffic].join('\n') : '').toBe('');
      },
      180_000,
    );
  }
});
