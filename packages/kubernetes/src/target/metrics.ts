import { ValidationError, type MetricsSource } from '@eds/core';

/**
 * On Kubernetes no EDS router sees the requests (an ingress controller or a mesh does), so the built-in
 * `router` analysis provider has nothing to read. Analysis uses the Prometheus or HTTP providers instead.
 */
export const prometheusOnly: MetricsSource = {
  async read(component: string) {
    throw new ValidationError(
      `the router metrics provider is host-only: on Kubernetes use the prometheus provider (or http) for ${component}'s analysis`,
      {
        code: 'METRICS_PROVIDER_UNSUPPORTED',
        path: 'analysis.metrics[].provider',
        expected: 'prometheus | http | command',
      },
    );
  },
};
