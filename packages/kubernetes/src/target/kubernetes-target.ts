import {
  DeploymentFailedError,
  ValidationError,
  type DeployVersionRequest,
  type MetricsSource,
  type Target,
  type TrafficRouter,
  type VersionStatus,
} from '@eds/core';
import { applyManifests, applyObject } from '../apply/apply.js';
import { prune, PRUNABLE_LABEL } from '../apply/prune.js';
import type { Manifest } from '../apply/manifest.js';
import { ANNOTATION, LABEL, labelValue, ownershipSelector, type Ownership } from '../apply/ownership.js';
import { waitForJobs } from '../rollout/job-waiter.js';
import { isApiError } from '../connection/api-errors.js';
import { resourcePath, type Discovery } from '../connection/discovery.js';
import type { KubeClient } from '../connection/kube-client.js';
import { createTrafficMethod, type RunningVersion, type WorkloadControl } from '../routers/index.js';
import { currentPods, judgeDeployment } from '../rollout/deployment-status.js';
import type { DeploymentObject } from '../rollout/kinds.js';
import { WorkloadTracker } from '../rollout/tracker.js';
import { versionStatus } from './instance-status.js';
import { KubernetesRouter } from './kubernetes-router.js';
import { prometheusOnly } from './metrics.js';
import { COLOURS, ComponentNames, SLOT_LABEL, versionSlug, type WorkloadLayout } from './naming.js';
import {
  imageForVersion,
  type ComponentWorkload,
  type RollingSettings,
  type TrafficSettings,
} from './settings.js';
import {
  deploymentManifest,
  envSecret,
  hashEnv,
  serviceManifest,
  slotSelector,
  workloadFromDeployment,
  type VersionWorkload,
} from './workload.js';

export interface KubernetesTargetOptions {
  client: KubeClient;
  discovery: Discovery;
  namespace: string;
  application: string;
  environment: string;
  /** How versions are laid out: the environment's strategy type. */
  layout: WorkloadLayout;
  traffic?: TrafficSettings;
  components?: Record<string, ComponentWorkload>;
  rolling?: RollingSettings;
  deploymentId?: string;
  /** `progressDeadlineSeconds` of the Deployments EDS writes (default 600, Kubernetes' own). */
  progressDeadlineSeconds?: number;
  forceConflicts?: boolean;
}

const DEFAULT_PORT = 8080;

/**
 * The Kubernetes target. Versions are Deployments laid out per strategy — ROLLING: one Deployment updated in
 * place by its own rolling update; BLUE_GREEN: `-blue`/`-green` behind an active and a preview Service;
 * CANARY: one Deployment and Service per version, traffic split by the chosen method. Everything it writes is
 * server-side applied with field manager `eds` and labelled with application, environment, component, version
 * and deployment id. Reads come from watch-fed caches, so the controller's health polling costs no API calls.
 */
export class KubernetesTarget implements Target, WorkloadControl {
  readonly description: string;
  readonly router: TrafficRouter;
  readonly metrics: MetricsSource = prometheusOnly;
  readonly namespace: string;
  readonly #trackers = new Map<string, WorkloadTracker>();

  constructor(readonly options: KubernetesTargetOptions) {
    this.namespace = options.namespace;
    this.description = `Kubernetes ${options.client.server} namespace ${options.namespace} (${options.layout.toLowerCase()})`;
    const method =
      options.layout === 'CANARY'
        ? createTrafficMethod(this, options.traffic ?? { method: 'replicas' })
        : undefined;
    this.router = new KubernetesRouter(this, options.layout, method);
  }

  get client(): KubeClient {
    return this.options.client;
  }

  // ---- WorkloadControl ---------------------------------------------------------------------------------

  names(component: string): ComponentNames {
    return new ComponentNames(this.options.application, component);
  }

  owner(component: string): Ownership & { component: string } {
    return {
      application: this.options.application,
      environment: this.options.environment,
      component,
      ...(this.options.deploymentId ? { deploymentId: this.options.deploymentId } : {}),
    };
  }

  desiredReplicas(component: string): number | undefined {
    return this.options.components?.[component]?.replicas;
  }

  async tracker(component: string): Promise<WorkloadTracker> {
    let tracker = this.#trackers.get(component);
    if (!tracker) {
      const selector = Object.entries(slotSelector(this.owner(component)))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      tracker = new WorkloadTracker(this.client, this.namespace, selector);
      this.#trackers.set(component, tracker);
    }
    await tracker.start();
    return tracker;
  }

  /** Deployments of a component with the version each runs. */
  async deployments(
    component: string,
  ): Promise<{ deployment: DeploymentObject; version: string; slot: string }[]> {
    const tracker = await this.tracker(component);
    return tracker.deployments
      .list()
      .filter((d) => !d.metadata.deletionTimestamp)
      .flatMap((deployment) => {
        const version = deployment.metadata.annotations?.[ANNOTATION.version];
        const slot = deployment.spec?.selector?.matchLabels?.[SLOT_LABEL];
        return version && slot ? [{ deployment, version, slot }] : [];
      });
  }

  async versions(component: string): Promise<RunningVersion[]> {
    return (await this.deployments(component)).map(({ deployment, version, slot }) => ({
      version,
      slot,
      replicas: deployment.spec?.replicas ?? 0,
    }));
  }

  async #find(component: string, version: string) {
    return (await this.deployments(component)).find((d) => d.version === version);
  }

  /** The environment's rendered supporting objects, server-side applied in krane's order, marked prunable. */
  async applyManifests(documents: Record<string, unknown>[]): Promise<string[]> {
    const applied = await applyManifests(
      this.client,
      this.options.discovery,
      documents as unknown as Manifest[],
      {
        namespace: this.namespace,
        owner: {
          application: this.options.application,
          environment: this.options.environment,
          ...(this.options.deploymentId ? { deploymentId: this.options.deploymentId } : {}),
        },
        labels: { [PRUNABLE_LABEL]: 'true' },
        ...(this.options.forceConflicts ? { forceConflicts: true } : {}),
      },
    );
    // Jobs in the rendered objects (migrations, seeds) must finish before the rollout starts.
    const jobs = applied
      .filter(({ object }) => object.kind === 'Job')
      .map(({ object }) => object.metadata.name);
    await waitForJobs(
      this.client,
      this.namespace,
      ownershipSelector(this.options.application, this.options.environment),
      jobs,
      120_000,
    );
    return applied.map(({ object }) => `${object.kind}/${object.metadata.name}`);
  }

  /** Objects this environment applied before (marked prunable) and no longer renders; never outside the namespace. */
  async pruneManifests(kept: Record<string, unknown>[]): Promise<string[]> {
    const deleted = await prune(this.client, this.options.discovery, kept as unknown as Manifest[], {
      namespace: this.namespace,
      application: this.options.application,
      environment: this.options.environment,
    });
    return deleted.map((object) => `${object.kind}/${object.metadata.name}`);
  }

  async apply(object: Manifest): Promise<Manifest> {
    const info = await this.options.discovery.resolve(object.apiVersion, object.kind);
    return applyObject(this.client, info, object, {
      ...(this.options.forceConflicts ? { forceConflicts: true } : {}),
    });
  }

  async read(apiVersion: string, kind: string, name: string): Promise<Manifest | undefined> {
    const info = await this.options.discovery.resolve(apiVersion, kind);
    try {
      return await this.client.get<Manifest>(resourcePath(info, this.namespace, name));
    } catch (error) {
      if (isApiError(error, 404)) return undefined;
      throw error;
    }
  }

  async delete(apiVersion: string, kind: string, name: string): Promise<void> {
    const info = await this.options.discovery.resolve(apiVersion, kind);
    try {
      await this.client.request('DELETE', resourcePath(info, this.namespace, name), {
        query: { propagationPolicy: 'Background' },
      });
    } catch (error) {
      if (!isApiError(error, 404)) throw error;
    }
  }

  async scale(component: string, version: string, replicas: number): Promise<VersionStatus> {
    const found = await this.#find(component, version);
    if (found && (found.deployment.spec?.replicas ?? 0) !== replicas) {
      const workload = workloadFromDeployment(found.deployment, this.#base(component));
      if (!workload) throw new Error(`Deployment ${found.deployment.metadata.name} was not written by eds`);
      await this.#applyDeployment(component, { ...workload, replicas });
    }
    return (await this.#status(component, version, false)) ?? this.#emptyStatus(component, version);
  }

  // ---- Target ------------------------------------------------------------------------------------------

  #base(component: string) {
    return {
      names: this.names(component),
      namespace: this.namespace,
      owner: this.owner(component),
      progressDeadlineSeconds: this.options.progressDeadlineSeconds ?? 600,
    };
  }

  #emptyStatus(component: string, version: string): VersionStatus {
    return { component, version, desired: 0, healthy: 0, instances: [] };
  }

  async #applyDeployment(component: string, workload: VersionWorkload): Promise<void> {
    const applied = await this.apply(deploymentManifest(workload));
    (await this.tracker(component)).deployments.observe(applied);
  }

  /** Which slot a new version goes to under the layout. */
  async #slotFor(component: string, version: string): Promise<string> {
    const existing = await this.#find(component, version);
    switch (this.options.layout) {
      case 'ROLLING':
        return 'main';
      case 'CANARY':
        return existing?.slot ?? versionSlug(version);
      case 'BLUE_GREEN': {
        if (existing) return existing.slot;
        const active = await this.activeColour(component);
        return active === 'blue' ? 'green' : 'blue';
      }
    }
  }

  /** The colour the active Service selects, if any. */
  async activeColour(component: string): Promise<string | undefined> {
    const service = await this.read('v1', 'Service', this.names(component).service);
    const selector = (service?.spec as { selector?: Record<string, string> } | undefined)?.selector;
    const colour = selector?.[SLOT_LABEL];
    return colour && (COLOURS as readonly string[]).includes(colour) ? colour : undefined;
  }

  async deploy(request: DeployVersionRequest & { image?: string }): Promise<VersionStatus> {
    const { component, version } = request;
    const spec = this.options.components?.[component];
    const image =
      request.image ??
      imageForVersion(spec, version) ??
      (await this.#find(component, version))?.deployment.spec?.template?.spec?.containers?.[0]?.image;
    if (!image) {
      throw new ValidationError(`component ${component} has no image; a Kubernetes target needs one`, {
        code: 'MISSING_IMAGE',
        path: `components.${component}.image`,
        expected: 'image: registry/name:tag',
      });
    }
    const slot = await this.#slotFor(component, version);
    const current = (await this.deployments(component)).find((d) => d.slot === slot);
    // ROLLING keeps the component's full size and lets the Deployment replace pods; other layouts size each version.
    const replicas =
      this.options.layout === 'ROLLING'
        ? (spec?.replicas ?? Math.max(request.instances, current?.deployment.spec?.replicas ?? 0))
        : request.instances;
    const workload: VersionWorkload = {
      ...this.#base(component),
      owner: { ...this.owner(component), version },
      slot,
      image,
      replicas,
      port: spec?.port ?? request.run?.port ?? DEFAULT_PORT,
      ...((spec?.healthPath ?? request.health?.http)
        ? { healthPath: spec?.healthPath ?? request.health?.http }
        : {}),
      envHash: hashEnv(request.env ?? {}),
      ...(this.options.layout === 'ROLLING'
        ? { rolling: this.options.rolling ?? { maxSurge: 1, maxUnavailable: 0 } }
        : {}),
    };
    await this.apply(envSecret(workload, request.env ?? {}));
    await this.#applyDeployment(component, workload);
    await this.#ensureServices(component, slot);
    return (await this.#status(component, version, false)) ?? this.#emptyStatus(component, version);
  }

  async #ensureServices(component: string, slot: string): Promise<void> {
    const names = this.names(component);
    const owner = this.owner(component);
    switch (this.options.layout) {
      case 'ROLLING':
        await this.apply(serviceManifest(names.service, this.namespace, owner, slotSelector(owner)));
        return;
      case 'BLUE_GREEN':
        // The new colour is reachable on the preview Service; the active one changes only at the switch.
        await this.apply(
          serviceManifest(names.previewService, this.namespace, owner, slotSelector(owner, slot)),
        );
        return;
      case 'CANARY':
        await this.apply(serviceManifest(names.service, this.namespace, owner, slotSelector(owner)));
        await this.apply(
          serviceManifest(names.slotService(slot), this.namespace, owner, slotSelector(owner, slot)),
        );
        return;
    }
  }

  /** Point the active Service at the colour running `version` (blue-green switch and switch-back). */
  async switchActive(component: string, version: string): Promise<void> {
    const found = await this.#find(component, version);
    if (!found) {
      throw new ValidationError(`${component}@${version} is not deployed; cannot switch to it`, {
        code: 'VERSION_NOT_DEPLOYED',
      });
    }
    const owner = this.owner(component);
    await this.apply(
      serviceManifest(this.names(component).service, this.namespace, owner, slotSelector(owner, found.slot)),
    );
  }

  async remove(component: string, version: string): Promise<void> {
    const found = await this.#find(component, version);
    if (!found) return;
    const names = this.names(component);
    await this.delete('apps/v1', 'Deployment', found.deployment.metadata.name);
    (await this.tracker(component)).deployments.forget(found.deployment.metadata.name);
    await this.delete('v1', 'Secret', names.envSecret(found.slot));
    if (this.options.layout === 'CANARY') await this.delete('v1', 'Service', names.slotService(found.slot));
  }

  /**
   * Status from the watch caches. A version whose rollout is doomed (CrashLoopBackOff, missing image, config
   * error, unschedulable, progress deadline) throws at once with the reason, so the controller fails fast
   * instead of waiting out its own deadline.
   */
  health(component: string, version: string): Promise<VersionStatus | undefined> {
    return this.#status(component, version, true);
  }

  /** deploy and scale report status without judging: they resolve when started, health() is where failures surface. */
  async #status(component: string, version: string, failFast: boolean): Promise<VersionStatus | undefined> {
    const tracker = await this.tracker(component);
    const found = await this.#find(component, version);
    const port = this.options.components?.[component]?.port ?? DEFAULT_PORT;
    if (!found) {
      // ROLLING: pods of a version the Deployment is replacing still serve until they are gone.
      const old = tracker.pods
        .list()
        .filter(
          (p) => p.metadata.labels?.[LABEL.version] === labelValue(version) && !p.metadata.deletionTimestamp,
        );
      return old.length ? versionStatus(component, version, 0, old, port) : undefined;
    }
    const pods = currentPods(found.deployment, tracker.podsOf(found.deployment));
    const verdict = judgeDeployment(found.deployment, tracker.podsOf(found.deployment));
    if (failFast && verdict.state === 'failed') {
      throw new DeploymentFailedError(
        `${component}@${version}: Deployment/${found.deployment.metadata.name} failed: ${verdict.message}`,
        {
          code: 'ROLLOUT_FAILED',
          details: { reason: verdict.reason, resource: `Deployment/${found.deployment.metadata.name}` },
        },
      );
    }
    return versionStatus(component, version, found.deployment.spec?.replicas ?? 0, pods, port);
  }

  /** Pod addresses of a version: direct, bypassing Services (reachable from inside the cluster network). */
  async directUrls(component: string, version: string): Promise<string[]> {
    const status = await this.health(component, version);
    const tracker = await this.tracker(component);
    const port = this.options.components?.[component]?.port ?? DEFAULT_PORT;
    return (status?.instances ?? [])
      .filter((i) => i.state === 'healthy')
      .map((i) => tracker.pods.get(i.id)?.status?.podIP)
      .filter((ip): ip is string => Boolean(ip))
      .map((ip) => `http://${ip}:${port}`);
  }

  /** Wait for a component version's Deployment to finish its rollout (watch-driven). */
  async waitForRollout(
    component: string,
    version: string,
    options: { timeoutMs: number; onProgress?: (line: string) => void; signal?: AbortSignal },
  ): Promise<void> {
    const found = await this.#find(component, version);
    if (!found) throw new DeploymentFailedError(`${component}@${version} is not deployed`);
    const tracker = await this.tracker(component);
    await tracker.waitFor(found.deployment.metadata.name, {
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress
        ? { onProgress: (e) => options.onProgress?.(`${e.resource}: ${e.verdict.message}`) }
        : {}),
    });
  }

  /** Stop the watches (the process may exit). */
  close(): void {
    for (const tracker of this.#trackers.values()) tracker.stop();
    this.#trackers.clear();
  }
}
