import { containerLabel, forContainers, isTrue, securityContextOf } from './helpers.js';
import type { RuleDefinition } from './types.js';

export const writableRootFilesystem: RuleDefinition = {
  id: 'writable-root-filesystem',
  title: 'Root filesystem is writable',
  severity: 'medium',
  rationale:
    'A writable root filesystem lets an attacker drop tools and persist changes inside the container.',
  remediation:
    'Set `securityContext.readOnlyRootFilesystem: true`; mount an `emptyDir` where the application must write.',
  appliesTo: 'workloads',
  exemptible: true,
  check: (ctx) =>
    forContainers(ctx, (ref) =>
      isTrue(securityContextOf(ref)?.readOnlyRootFilesystem)
        ? undefined
        : {
            path: [...ref.path, 'securityContext', 'readOnlyRootFilesystem'],
            message: `${containerLabel(ref)} does not set readOnlyRootFilesystem: true`,
          },
    ),
};
