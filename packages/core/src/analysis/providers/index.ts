import { ValidationError } from '../../errors/index.js';
import { commandProvider } from './command.js';
import { httpProvider } from './http.js';
import { prometheusProvider } from './prometheus.js';
import type { MetricProvider } from './provider.js';
import { routerProvider } from './router.js';

/** The one table of analysis providers; a metric's `provider` must be one of these names. */
export const PROVIDERS: Readonly<Record<string, MetricProvider>> = Object.freeze({
  router: routerProvider,
  http: httpProvider,
  prometheus: prometheusProvider,
  command: commandProvider,
});

export const PROVIDER_NAMES: readonly string[] = Object.keys(PROVIDERS);

export function unknownProviderMessage(
  name: string,
  table: Readonly<Record<string, MetricProvider>> = PROVIDERS,
): string {
  return `unknown analysis provider ${JSON.stringify(name)}; known providers: ${Object.keys(table).join(', ')}`;
}

/** Look a provider up; unknown names are a ValidationError listing the known ones. */
export function getProvider(
  name: string,
  table: Readonly<Record<string, MetricProvider>> = PROVIDERS,
): MetricProvider {
  const provider = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!provider)
    throw new ValidationError(unknownProviderMessage(name, table), {
      code: 'UNKNOWN_PROVIDER',
      expected: Object.keys(table).join(', '),
    });
  return provider;
}

export { commandProvider, httpProvider, prometheusProvider, routerProvider };
export { ROUTER_METRICS, type RouterMetricName } from './router.js';
export { queryUrl } from './prometheus.js';
export {
  ProviderError,
  type FieldProblem,
  type MeasureRequest,
  type MetricField,
  type MetricProvider,
  type PreparedMetric,
  type ProviderContext,
  type ProviderReading,
} from './provider.js';
