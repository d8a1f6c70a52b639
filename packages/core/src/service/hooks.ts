import {
  ConfigStore,
  loadConfigVersion,
  renderConfig,
  renderManifests,
  type RenderedConfig,
} from '../config/index.js';
import type { DeploymentSession, PrepareHooks } from '../controller/index.js';
import type { AppSpec } from '../model/index.js';
import type { DeploymentRecord, RecordStore } from '../records/index.js';
import { assertNotBlocked, toAuditSummary } from '../security/index.js';
import { checkEnvironment } from './check.js';

export interface DeploymentHooksOptions {
  store: RecordStore;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  vulnReports?: string[];
}

function setFlags(record: DeploymentRecord): string[] {
  return Object.entries(record.spec.request.set).map(([k, v]) => `${k}=${v}`);
}

/**
 * Wires the configuration manager and the security validator into a deployment: one render per record per
 * process (secrets are resolved once, held as SecretValues), the Configuration saved as a new version when
 * it changed, the check run on what was rendered, and the instances' environment taken from the render.
 */
export function deploymentHooks(options: DeploymentHooksOptions): {
  hooks: PrepareHooks;
  instanceEnv: (record: DeploymentRecord) => Promise<Record<string, string>>;
} {
  const renders = new Map<string, Promise<RenderedConfig>>();
  const render = (record: DeploymentRecord): Promise<RenderedConfig> => {
    let pending = renders.get(record.deployment.id);
    if (!pending) {
      pending = renderFor(record);
      renders.set(record.deployment.id, pending);
    }
    return pending;
  };
  const configs = new ConfigStore(options.store.backend);
  const renderFor = async (record: DeploymentRecord): Promise<RenderedConfig> => {
    const pin = record.spec.request.configVersion;
    const pinned = pin
      ? await loadConfigVersion(configs, record.application, record.deployment.environment, pin)
      : undefined;
    return renderConfig({
      ...(pinned ? { pinned } : {}),
      spec: record.spec.application as unknown as AppSpec,
      specFile: record.spec.file,
      environment: record.deployment.environment,
      request: {
        set: setFlags(record),
        versions: Object.fromEntries(record.deployment.components.map((c) => [c.name, c.version])),
      },
      deploymentId: record.deployment.id,
      env: options.env,
      secrets: { stateDir: options.stateDir },
    });
  };
  const hooks: PrepareHooks = {
    render: async (session: DeploymentSession) => {
      const rendered = await render(session.record);
      const pin = session.record.spec.request.configVersion;
      const { record, created } = await configs.save(rendered, {
        createdBy: session.deps.actor.user,
        ...(pin ? { rollbackOf: pin } : {}),
      });
      return {
        version: record.version,
        hash: rendered.hash,
        created,
        sources: rendered.sources,
        secrets: rendered.references,
      };
    },
    check: async (session: DeploymentSession) => {
      const record = session.record;
      const result = await checkEnvironment({
        spec: record.spec.application as unknown as AppSpec,
        specFile: record.spec.file,
        environment: record.deployment.environment,
        stateDir: options.stateDir,
        env: options.env,
        rendered: await render(record),
        ...(options.vulnReports ? { vulnReports: options.vulnReports } : {}),
      });
      const summary = toAuditSummary(result);
      await session.event(
        'SecurityChecked',
        `security check: ${result.decision.blocked ? 'BLOCKED' : 'passed'} (${result.findings.length} finding(s))`,
        {
          ...summary,
        },
      );
      if (result.decision.blocked) {
        await session.mutate((r) => {
          r.reports.blockedByPolicy = true;
        });
      }
      assertNotBlocked(result);
      const applied = await applySupportingObjects(session, await render(record));
      return { ...(summary as unknown as Record<string, unknown>), ...(applied.length ? { applied } : {}) };
    },
    completed: async (session: DeploymentSession) => {
      const pruned = await pruneSupportingObjects(session, await render(session.record));
      if (pruned.length) await session.event('Pruned', `pruned ${pruned.join(', ')}`, { pruned });
    },
  };
  return { hooks, instanceEnv: async (record) => (await render(record)).hostEnv() };
}

/** Kinds the target itself creates and moves traffic with; everything else rendered is applied as is. */
const TARGET_MANAGED_KINDS = new Set(['Deployment', 'Service', 'Ingress', 'HTTPRoute']);

/**
 * On a cluster target, the rendered supporting objects (ConfigMaps, Secrets, RBAC, user templates) are applied
 * once the check has passed and before the rollout: nothing reaches the cluster from a blocked deployment.
 */
async function applySupportingObjects(
  session: DeploymentSession,
  rendered: RenderedConfig,
): Promise<string[]> {
  const documents = await supportingObjects(session, rendered, 'include');
  if (documents === undefined || !session.deps.target.applyManifests) return [];
  return documents.length ? session.deps.target.applyManifests(documents) : [];
}

/** With `prune: true` on a cluster target: what an earlier deployment applied and this one no longer renders. */
async function pruneSupportingObjects(
  session: DeploymentSession,
  rendered: RenderedConfig,
): Promise<string[]> {
  const app = session.record.spec.application as unknown as AppSpec;
  const target = app.environments[session.record.deployment.environment]?.target;
  if (typeof target === 'string' || target?.type !== 'KUBERNETES' || target.prune !== true) return [];
  const kept = await supportingObjects(session, rendered, 'omit');
  if (kept === undefined || !session.deps.target.pruneManifests) return [];
  return session.deps.target.pruneManifests(kept);
}

/** The rendered objects besides the workloads the target manages; undefined when the target is not a cluster. */
async function supportingObjects(
  session: DeploymentSession,
  rendered: RenderedConfig,
  secretData: 'include' | 'omit',
): Promise<Record<string, unknown>[] | undefined> {
  const record = session.record;
  const app = record.spec.application as unknown as AppSpec;
  const target = app.environments[record.deployment.environment]?.target;
  if (typeof target === 'string' || target?.type !== 'KUBERNETES') return undefined;
  const manifests = await renderManifests({
    spec: app,
    specFile: record.spec.file,
    rendered,
    format: 'json',
    secretData,
  });
  return manifests.documents
    .filter((d) => !TARGET_MANAGED_KINDS.has(d.kind))
    .map((d) => d.object as Record<string, unknown>);
}
