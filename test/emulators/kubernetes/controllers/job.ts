/**
 * Job controller: run pods until `completions` succeed (at most `parallelism` at a time); count
 * failures; fail the Job with BackoffLimitExceeded once failures exceed `backoffLimit`, or
 * DeadlineExceeded after `activeDeadlineSeconds`. Conditions as batch/v1 reports them
 * (SuccessCriteriaMet + Complete, FailureTarget + Failed).
 */
import { mustFindByKind } from '../resources.js';
import type { JsonObject, KubeObject } from '../types.js';
import { deepEqual, field, isObject } from '../types.js';
import { isActive, isReady } from './pods.js';
import { createPodFor, podsOf } from './replicaset.js';
import type { ControllerContext } from './runtime.js';
import { isoAt, omitEmpty, writeStatus } from './runtime.js';

const JOB = mustFindByKind('batch/v1', 'Job');
const POD = mustFindByKind('v1', 'Pod');

function jobCondition(type: string, reason: string, message: string, at: string): JsonObject {
  return { type, status: 'True', lastProbeTime: at, lastTransitionTime: at, reason, message };
}

export class JobController {
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(): void {
    for (const job of this.ctx.store.list(JOB)) {
      if (job.metadata.deletionTimestamp) continue;
      this.sync(job);
    }
  }

  private sync(job: KubeObject): void {
    const ctx = this.ctx;
    const spec = job.spec as JsonObject;
    const previous = isObject(job.status) ? job.status : {};
    const conditions = Array.isArray(previous.conditions) ? previous.conditions.filter(isObject) : [];
    const finished = conditions.some(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    const nowMs = ctx.nowMs();
    const nowIso = isoAt(nowMs);
    const startTime = typeof previous.startTime === 'string' ? previous.startTime : nowIso;
    let pods = podsOf(ctx, job);
    const succeeded = pods.filter((p) => field(p, 'status', 'phase') === 'Succeeded').length;
    const failed = pods.filter((p) => field(p, 'status', 'phase') === 'Failed').length;
    const completions = Number(spec.completions ?? 1);
    const parallelism = Number(spec.parallelism ?? 1);
    const backoffLimit = Number(spec.backoffLimit ?? 6);
    const deadline =
      spec.activeDeadlineSeconds === undefined ? undefined : Number(spec.activeDeadlineSeconds);
    const nextConditions = [...conditions];
    let completionTime = previous.completionTime;

    if (!finished && spec.suspend !== true) {
      let failure: { reason: string; message: string } | undefined;
      if (failed > backoffLimit)
        failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
      else if (deadline !== undefined && Date.parse(startTime) + deadline * 1000 <= nowMs) {
        failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      }
      if (failure) {
        for (const pod of pods.filter(isActive))
          ctx.store.delete(POD, pod.metadata.namespace, pod.metadata.name);
        nextConditions.push(jobCondition('FailureTarget', failure.reason, failure.message, nowIso));
        nextConditions.push(jobCondition('Failed', failure.reason, failure.message, nowIso));
      } else if (succeeded >= completions) {
        nextConditions.push(
          jobCondition(
            'SuccessCriteriaMet',
            'CompletionsReached',
            'Reached expected number of succeeded pods',
            nowIso,
          ),
        );
        nextConditions.push(
          jobCondition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods', nowIso),
        );
        completionTime = nowIso;
      } else {
        const active = pods.filter(isActive).length;
        const wanted = Math.min(parallelism, completions - succeeded);
        for (let i = active; i < wanted; i++) createPodFor(ctx, job);
        if (deadline !== undefined)
          ctx.requeueAfter(Math.max(1, Date.parse(startTime) + deadline * 1000 - nowMs));
      }
      pods = podsOf(ctx, job);
    }
    const status = omitEmpty({
      startTime,
      completionTime,
      active: pods.filter(isActive).length,
      ready: pods.filter((p) => isActive(p) && isReady(p)).length,
      succeeded,
      failed,
      conditions: nextConditions,
      terminating: 0,
    });
    status.uncountedTerminatedPods = {};
    // `ready` and `terminating` are reported even when zero by batch/v1.
    status.ready = status.ready ?? 0;
    status.terminating = 0;
    if (!deepEqual(job.status, status)) writeStatus(ctx, JOB, job, status);
  }
}
