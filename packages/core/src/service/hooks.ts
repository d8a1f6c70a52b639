import { ConfigStore, loadConfigVersion, renderConfig, type RenderedConfig } from '../config/index.js';
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
      return summary as unknown as Record<string, unknown>;
    },
  };
  return { hooks, instanceEnv: async (record) => (await render(record)).hostEnv() };
}
