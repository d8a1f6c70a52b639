import type { StepKind } from '../../pipeline/index.js';
import type { TrafficMatch } from '../../targets/index.js';
import type { DeploymentSession } from '../session.js';
import { field, isObject, isString, optional } from './with.js';

/** Atomically set a component's weights (and match rules) and record them. */
export function setTrafficKind(session: DeploymentSession): StepKind {
  return {
    name: 'set-traffic',
    idempotent: true,
    async run(ctx) {
      const component = field(ctx.with, 'component', isString);
      const weights = field(ctx.with, 'weights', isObject) as Record<string, number>;
      const match = optional(ctx.with, 'match', isObject) as
        | {
            version: string;
            header?: { name: string; value: string };
            cookie?: { name: string; value: string };
          }
        | undefined;
      const final = Object.values(weights).includes(100);
      if (session.fullPromotion && !final) {
        ctx.log(`skipped: promoted with --full`);
        return { status: 'completed', outputs: { skipped: true } };
      }
      const matches: TrafficMatch[] = match && !final ? [match] : [];
      const state = await session.deps.target.router.setWeights(component, weights, matches);
      await session.mutate((record) => {
        record.progress.weights[component] = weights;
        record.progress.endpoints[component] = state.endpoint;
      });
      ctx.log(
        `${component}: ${Object.entries(weights)
          .map(([v, w]) => `${v}=${w}%`)
          .join(' ')}`,
      );
      return { status: 'completed' };
    },
  };
}
