import { DeploymentFailedError } from '../../errors/index.js';
import type { StepKind } from '../../pipeline/index.js';
import type { DeploymentSession } from '../session.js';
import { field, isString } from './with.js';

interface PreviewCheck {
  http: string;
  expectStatus?: number;
  contains?: string;
}

/** Blue-green preview: HTTP checks against every instance of the new colour, bypassing the router. */
export function previewCheckKind(session: DeploymentSession): StepKind {
  return {
    name: 'preview-check',
    idempotent: true,
    async run(ctx) {
      const component = field(ctx.with, 'component', isString);
      const version = field(ctx.with, 'version', isString);
      const checks = (ctx.with as { checks?: PreviewCheck[] }).checks ?? [];
      const urls = await session.deps.target.directUrls(component, version);
      if (urls.length === 0)
        throw new DeploymentFailedError(`${component}@${version} has no instances to check`);
      for (const base of urls) {
        for (const check of checks) {
          const url = `${base}${check.http}`;
          const response = await fetch(url, {
            signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(5000)]),
          });
          const body = await response.text();
          const expected = check.expectStatus ?? 200;
          if (response.status !== expected) {
            throw new DeploymentFailedError(
              `preview check GET ${check.http} on ${component}@${version} answered ${response.status}, expected ${expected}`,
              { code: 'PREVIEW_CHECK_FAILED' },
            );
          }
          if (check.contains !== undefined && !body.includes(check.contains)) {
            throw new DeploymentFailedError(
              `preview check GET ${check.http} on ${component}@${version}: body does not contain "${check.contains}"`,
              { code: 'PREVIEW_CHECK_FAILED' },
            );
          }
          ctx.log(`GET ${url} -> ${response.status}`);
        }
      }
      return { status: 'completed' };
    },
  };
}

/** The end state holds: every component's version healthy at full size and serving all traffic. */
export function verifyKind(session: DeploymentSession): StepKind {
  return {
    name: 'verify',
    idempotent: true,
    async run(ctx) {
      for (const c of session.record.deployment.components) {
        const status = await session.deps.target.health(c.name, c.version);
        const spec = session.component(c.name);
        if ((status?.healthy ?? 0) < spec.replicas) {
          throw new DeploymentFailedError(
            `verify: ${c.name}@${c.version} has ${status?.healthy ?? 0}/${spec.replicas} healthy instances`,
          );
        }
        const traffic = await session.deps.target.router.getState(c.name);
        if ((traffic?.weights[c.version] ?? 0) !== 100) {
          throw new DeploymentFailedError(`verify: ${c.name}@${c.version} does not receive all traffic`);
        }
        ctx.log(
          `${c.name}@${c.version}: ${status?.healthy} healthy, 100% of traffic at ${traffic?.endpoint ?? '?'}`,
        );
      }
      return { status: 'completed' };
    },
  };
}

/** The spec was validated before the record was created; this step re-checks the snapshot being resumed. */
export function validateKind(session: DeploymentSession): StepKind {
  return {
    name: 'validate',
    idempotent: true,
    async run(ctx) {
      const names = new Set(session.application.components.map((c) => c.name));
      for (const c of session.record.deployment.components) {
        if (!names.has(c.name)) throw new DeploymentFailedError(`component ${c.name} is not in the spec`);
      }
      ctx.log(
        `spec ${session.record.spec.file} (sha256 ${session.record.spec.sha256.slice(0, 12)}) is valid`,
      );
      return { status: 'completed' };
    },
  };
}
