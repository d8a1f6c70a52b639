import type { AppSpec, EnvironmentSpec } from '../model/index.js';
import { componentImage } from './image-ref.js';
import type { ParsedConfigSpec } from './spec-schema.js';

/** The strategy's view of the objects being rendered: which track, and the name suffix of its objects. */
export interface StrategyContext {
  /** ROLLING, BLUE_GREEN or CANARY (default: the environment's strategy). */
  type?: string;
  /** `stable` (default), `canary`, `preview`, `blue`, `green` … */
  track?: string;
  /** Appended to generated object names; default '' for `stable`, else `-<track>`. */
  suffix?: string;
}

export interface ComponentContext {
  version: string;
  image: string | null;
  replicas: number;
  port: number;
}

/** Everything `${{ }}` can read besides `config.*` (and `resources.*`, which exists for templates only). */
export interface InterpolationContext {
  app: { name: string };
  deployment: { id: string; environment: string; tier: string };
  components: Record<string, ComponentContext>;
  strategy: { type: string; track: string; suffix: string };
}

export const DEFAULT_CONTAINER_PORT = 8080;

export function buildContext(
  spec: AppSpec,
  parsed: ParsedConfigSpec,
  environment: string,
  environmentSpec: EnvironmentSpec,
  deploymentId: string,
  versions: Readonly<Record<string, string>>,
  strategy: StrategyContext,
): InterpolationContext {
  const envConfig = parsed.environments[environment] ?? {};
  const components: Record<string, ComponentContext> = {};
  for (const component of spec.components) {
    const version = versions[component.name] ?? component.version;
    const override = { ...parsed.config.images?.[component.name], ...envConfig.images?.[component.name] };
    components[component.name] = {
      version,
      image: component.image ? componentImage(component.image, component.version, version, override) : null,
      replicas:
        envConfig.replicas?.[component.name] ??
        parsed.config.replicas?.[component.name] ??
        component.replicas,
      port: component.run?.port ?? DEFAULT_CONTAINER_PORT,
    };
  }
  const track = strategy.track ?? 'stable';
  return {
    app: { name: spec.name },
    deployment: { id: deploymentId, environment, tier: environmentSpec.tier },
    components,
    strategy: {
      type: strategy.type ?? environmentSpec.strategy.type,
      track,
      suffix: strategy.suffix ?? (track === 'stable' ? '' : `-${track}`),
    },
  };
}
