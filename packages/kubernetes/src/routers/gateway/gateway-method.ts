import type { TrafficMatch, TrafficWeights } from '@eds/core';
import { ValidationError } from '@eds/core';
import type { TrafficSettings } from '../../target/settings.js';
import type { TrafficMethod, WorkloadControl } from '../traffic-method.js';
import { httpRouteManifest } from './http-route.js';

/** Gateway API: one HTTPRoute per component whose backendRefs carry each version's Service and weight. */
export function gatewayMethod(control: WorkloadControl, settings: TrafficSettings): TrafficMethod {
  const gateway = settings.gateway as NonNullable<TrafficSettings['gateway']>;
  return {
    name: 'gateway',
    async route(component: string, weights: TrafficWeights, matches: TrafficMatch[]) {
      const names = control.names(component);
      const running = await control.versions(component);
      const serviceOf = (version: string) => {
        const slot = running.find((r) => r.version === version)?.slot;
        if (!slot) {
          throw new ValidationError(`${component}@${version} is not deployed; cannot route to it`, {
            code: 'VERSION_NOT_DEPLOYED',
          });
        }
        return names.slotService(slot);
      };
      const backends = Object.entries(weights)
        .filter(([, w]) => w > 0)
        .map(([version, weight]): [string, number] => [serviceOf(version), weight]);
      await control.apply(
        httpRouteManifest({
          name: names.service,
          namespace: control.namespace,
          owner: control.owner(component),
          gateway,
          hostnames: settings.host ? [settings.host] : [],
          backends,
          matched: matches.map((match) => ({ service: serviceOf(match.version), match })),
        }),
      );
    },
    endpoint(component: string) {
      return settings.host
        ? `http://${settings.host}`
        : `http://${control.names(component).service}.${control.namespace}.svc`;
    },
  };
}
