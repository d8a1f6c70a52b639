import { arrayAt, isObject, objectAt, scalarText } from '../manifests/objects.js';
import { containerLabel, forContainers } from './helpers.js';
import { PROBE_FIELDS } from './probes.js';
import type { RuleDefinition, RuleHit } from './types.js';

const PORT_HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

export const probePortNotExposed: RuleDefinition = {
  id: 'probe-port-not-exposed',
  title: 'Probe port not exposed by the container',
  severity: 'medium',
  rationale:
    'A probe on a named port that the container does not declare never succeeds; on an undeclared number it usually checks the wrong process.',
  remediation:
    "Point the probe at a port listed in the container's `ports` (by name or number), or declare the port.",
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    forContainers(ctx, (ref) => {
      const names = new Set<string>();
      const numbers = new Set<number>();
      for (const port of arrayAt(ref.container, 'ports')) {
        if (!isObject(port)) continue;
        if (typeof port.name === 'string') names.add(port.name);
        if (typeof port.containerPort === 'number') numbers.add(port.containerPort);
      }
      const hits: RuleHit[] = [];
      for (const probe of PROBE_FIELDS) {
        for (const handler of PORT_HANDLERS) {
          const port = objectAt(objectAt(ref.container, probe), handler)?.port;
          if (port === undefined) continue;
          const exposed =
            typeof port === 'number'
              ? numbers.has(port)
              : /^\d+$/.test(scalarText(port))
                ? numbers.has(Number(port))
                : names.has(scalarText(port));
          if (exposed) continue;
          hits.push({
            path: [...ref.path, probe, handler, 'port'],
            message: `${containerLabel(ref)} ${probe} uses port ${scalarText(port)}, which the container does not expose`,
          });
        }
      }
      return hits;
    }),
};
