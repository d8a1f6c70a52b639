import type { TrafficMatch, TrafficWeights } from '@eds/core';
import type { TrafficSettings } from '../../target/settings.js';
import { twoWaySplit } from '../split.js';
import type { TrafficMethod, WorkloadControl } from '../traffic-method.js';
import { canaryAnnotations, ingressBackend, ingressManifest } from './canary-ingress.js';

/**
 * ingress-nginx canary: the component's Ingress sends traffic to the stable version's Service; a second Ingress
 * for the same host, marked canary, takes `canary-weight` percent (and header/cookie matches) to the canary's.
 */
export function nginxMethod(control: WorkloadControl, settings: TrafficSettings): TrafficMethod {
  const host = settings.host as string;
  const ingressClassName = settings.ingressClassName ?? 'nginx';
  return {
    name: 'nginx',
    async route(component: string, weights: TrafficWeights, matches: TrafficMatch[]) {
      const names = control.names(component);
      const owner = control.owner(component);
      const running = await control.versions(component);
      const slotOf = (version: string) => running.find((r) => r.version === version)?.slot;
      const primaryIngress = await control.read('networking.k8s.io/v1', 'Ingress', names.service);
      const currentService = ingressBackend(primaryIngress);
      const currentPrimary = running.find((r) => names.slotService(r.slot) === currentService)?.version;
      const split = twoWaySplit(weights, currentPrimary);
      const base = { namespace: control.namespace, owner, host, ingressClassName };
      const primarySlot = slotOf(split.primary);
      if (!primarySlot) throw new Error(`${component}@${split.primary} is not deployed`);
      await control.apply(
        ingressManifest({ ...base, name: names.service, service: names.slotService(primarySlot) }),
      );
      const canarySlot = split.canary ? slotOf(split.canary) : undefined;
      if (split.canary && canarySlot) {
        const match = matches.find((m) => m.version === split.canary);
        await control.apply(
          ingressManifest(
            { ...base, name: names.canaryIngress, service: names.slotService(canarySlot) },
            canaryAnnotations(split.canaryWeight, match),
          ),
        );
      } else {
        await control.delete('networking.k8s.io/v1', 'Ingress', names.canaryIngress);
      }
    },
    endpoint() {
      return `http://${host}`;
    },
  };
}
