/**
 * Runs the controllers. Any change to a workload kind schedules one reconcile pass (coalesced with
 * setImmediate); controllers ask for a later pass when something is due (readiness, deadlines).
 * Passes repeat until nothing changes, since every write is itself a change.
 */
import type { EventEmitter } from 'node:events';
import type { HandlerContext } from '../context.js';
import { DeploymentController } from './deployment.js';
import { JobController } from './job.js';
import { Kubelet } from './kubelet.js';
import { LifecycleController } from './lifecycle.js';
import { ReplicaSetController } from './replicaset.js';
import type { ControllerContext } from './runtime.js';

const WATCHED = new Set(['apps/deployments', 'apps/replicasets', '/pods', 'batch/jobs', '/namespaces']);

export class ControllerManager {
  private readonly context: ControllerContext;
  private readonly controllers: { reconcile(): void }[];
  private immediate: NodeJS.Immediate | undefined;
  private readonly timers = new Map<NodeJS.Timeout, number>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(ctx: HandlerContext, events: EventEmitter) {
    this.context = {
      ...ctx,
      events,
      nowMs: () => Date.now(),
      requeueAfter: (ms) => this.scheduleAt(Date.now() + ms),
    };
    this.controllers = [
      new LifecycleController(this.context),
      new DeploymentController(this.context),
      new ReplicaSetController(this.context),
      new JobController(this.context),
      new Kubelet(this.context),
    ];
  }

  start(): void {
    // Deleting pods or ownerless objects matters too (garbage collection), so any owner-bearing change counts.
    this.unsubscribe = this.context.store.hub.subscribe((change) => {
      if (WATCHED.has(change.resource) || change.type === 'DELETED') this.schedule();
    });
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.immediate) clearImmediate(this.immediate);
    for (const timer of this.timers.keys()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(): void {
    if (this.stopped || this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.run();
    });
  }

  private scheduleAt(when: number): void {
    if (this.stopped) return;
    // One timer per due time is plenty; skip a new one when an earlier-or-equal one is close.
    for (const due of this.timers.values()) if (Math.abs(due - when) < 5) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.schedule();
      },
      Math.max(0, when - Date.now()),
    );
    timer.unref();
    this.timers.set(timer, when);
  }

  private run(): void {
    if (this.stopped) return;
    for (const controller of this.controllers) {
      try {
        controller.reconcile();
      } catch (error) {
        // A controller bug must not take the API down; report it where the test output shows it.
        console.error('[kubernetes-emulator] controller error:', error);
      }
    }
  }
}
