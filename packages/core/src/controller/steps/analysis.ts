import { DeploymentFailedError } from '../../errors/index.js';
import { runAnalysis, type Measurement } from '../../analysis/index.js';
import type { StepKind } from '../../pipeline/index.js';
import type { DeploymentSession } from '../session.js';
import type { AnalysisRunRecord, DeploymentRecord } from '../../records/index.js';
import { field, isObject, isString } from './with.js';

/** The record's entry for an analysis step's run, created on its first measurement or verdict. */
function runEntry(record: DeploymentRecord, stepId: string, startedAt: string): AnalysisRunRecord {
  let run = record.progress.analysis.find((a) => a.step === stepId);
  if (!run) {
    run = { step: stepId, phase: 'Running', startedAt, completedAt: null, measurements: [] };
    record.progress.analysis.push(run);
  }
  return run;
}

/** Record one measurement of an analysis run (as it is taken, so a resumed run continues from it). */
export async function recordMeasurement(
  session: DeploymentSession,
  stepId: string,
  startedAt: string,
  m: Measurement,
): Promise<void> {
  await session.mutate((record) => {
    runEntry(record, stepId, startedAt).measurements.push(m);
  });
}

export async function recordVerdict(
  session: DeploymentSession,
  stepId: string,
  startedAt: string,
  phase: 'Successful' | 'Failed' | 'Error' | 'Inconclusive',
  message: string,
): Promise<void> {
  await session.mutate((record) => {
    const run = runEntry(record, stepId, startedAt);
    run.phase = phase;
    run.completedAt = new Date().toISOString();
    run.message = message;
  });
}

/** Measure the new version against its template; a failed verdict fails the step (and so the rollout). */
export function analysisKind(session: DeploymentSession): StepKind {
  return {
    name: 'analysis',
    idempotent: true,
    async run(ctx) {
      const component = field(ctx.with, 'component', isString);
      const template = field(ctx.with, 'template', isObject);
      // --full, or a person who looked at an inconclusive analysis and promoted past it.
      if (session.fullPromotion || session.hasEvent('Promoted', (d) => d.step === ctx.step.id)) {
        return { status: 'completed', outputs: { skipped: true } };
      }
      const stepId = ctx.step.id;
      const existing = session.record.progress.analysis.find((a) => a.step === stepId);
      const startedAt = existing?.startedAt ?? session.deps.clock().toISOString();
      const stable = session.record.progress.stableVersions[component] ?? undefined;
      const verdict = await runAnalysis({
        template,
        component,
        canaryVersion: session.versionOf(component),
        ...(stable ? { stableVersion: stable } : {}),
        metrics: session.deps.target.metrics,
        signal: ctx.signal,
        previous: existing?.measurements ?? [],
        startedAt: Date.parse(startedAt),
        onMeasurement: (m) => {
          ctx.log(`${m.metric}: ${m.phase} — ${m.message}`);
          return recordMeasurement(session, stepId, startedAt, m);
        },
      });
      await recordVerdict(session, stepId, startedAt, verdict.phase, verdict.message);
      if (verdict.phase === 'Inconclusive') {
        // Like Argo Rollouts: not enough evidence either way is a decision for a person (promote or abort).
        ctx.log(`inconclusive: ${verdict.message}; paused for a decision`);
        return { status: 'paused', reason: 'manual', outputs: { inconclusive: verdict.message } };
      }
      if (verdict.phase !== 'Successful') {
        throw new DeploymentFailedError(`analysis ${verdict.phase.toLowerCase()}: ${verdict.message}`, {
          code: 'ANALYSIS_FAILED',
        });
      }
      return { status: 'completed' };
    },
  };
}
