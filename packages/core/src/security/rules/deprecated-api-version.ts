import type { RuleDefinition } from './types.js';

interface Deprecation {
  /** Kinds affected; `*` for every kind in the group version. */
  kinds: readonly string[];
  removedIn: string;
  replacement: string;
}

/** From the Kubernetes deprecated API migration guide: group versions that no longer serve these kinds. */
const DEPRECATIONS: Record<string, readonly Deprecation[]> = {
  'extensions/v1beta1': [
    { kinds: ['Deployment', 'DaemonSet', 'ReplicaSet'], removedIn: '1.16', replacement: 'apps/v1' },
    { kinds: ['NetworkPolicy'], removedIn: '1.16', replacement: 'networking.k8s.io/v1' },
    { kinds: ['PodSecurityPolicy'], removedIn: '1.16', replacement: 'Pod Security Admission' },
    { kinds: ['Ingress'], removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  ],
  'apps/v1beta1': [{ kinds: ['*'], removedIn: '1.16', replacement: 'apps/v1' }],
  'apps/v1beta2': [{ kinds: ['*'], removedIn: '1.16', replacement: 'apps/v1' }],
  'networking.k8s.io/v1beta1': [
    { kinds: ['Ingress', 'IngressClass'], removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  ],
  'rbac.authorization.k8s.io/v1beta1': [
    { kinds: ['*'], removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1' },
  ],
  'rbac.authorization.k8s.io/v1alpha1': [
    { kinds: ['*'], removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1' },
  ],
  'apiextensions.k8s.io/v1beta1': [
    { kinds: ['*'], removedIn: '1.22', replacement: 'apiextensions.k8s.io/v1' },
  ],
  'apiregistration.k8s.io/v1beta1': [
    { kinds: ['*'], removedIn: '1.22', replacement: 'apiregistration.k8s.io/v1' },
  ],
  'admissionregistration.k8s.io/v1beta1': [
    { kinds: ['*'], removedIn: '1.22', replacement: 'admissionregistration.k8s.io/v1' },
  ],
  'authentication.k8s.io/v1beta1': [
    { kinds: ['*'], removedIn: '1.22', replacement: 'authentication.k8s.io/v1' },
  ],
  'authorization.k8s.io/v1beta1': [
    { kinds: ['*'], removedIn: '1.22', replacement: 'authorization.k8s.io/v1' },
  ],
  'certificates.k8s.io/v1beta1': [{ kinds: ['*'], removedIn: '1.22', replacement: 'certificates.k8s.io/v1' }],
  'coordination.k8s.io/v1beta1': [{ kinds: ['*'], removedIn: '1.22', replacement: 'coordination.k8s.io/v1' }],
  'scheduling.k8s.io/v1beta1': [{ kinds: ['*'], removedIn: '1.22', replacement: 'scheduling.k8s.io/v1' }],
  'storage.k8s.io/v1beta1': [
    {
      kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
      removedIn: '1.22',
      replacement: 'storage.k8s.io/v1',
    },
    { kinds: ['CSIStorageCapacity'], removedIn: '1.27', replacement: 'storage.k8s.io/v1' },
  ],
  'batch/v1beta1': [{ kinds: ['CronJob'], removedIn: '1.25', replacement: 'batch/v1' }],
  'batch/v2alpha1': [{ kinds: ['CronJob'], removedIn: '1.21', replacement: 'batch/v1' }],
  'discovery.k8s.io/v1beta1': [
    { kinds: ['EndpointSlice'], removedIn: '1.25', replacement: 'discovery.k8s.io/v1' },
  ],
  'events.k8s.io/v1beta1': [{ kinds: ['Event'], removedIn: '1.25', replacement: 'events.k8s.io/v1' }],
  'autoscaling/v2beta1': [
    { kinds: ['HorizontalPodAutoscaler'], removedIn: '1.25', replacement: 'autoscaling/v2' },
  ],
  'autoscaling/v2beta2': [
    { kinds: ['HorizontalPodAutoscaler'], removedIn: '1.26', replacement: 'autoscaling/v2' },
  ],
  'policy/v1beta1': [
    { kinds: ['PodDisruptionBudget'], removedIn: '1.25', replacement: 'policy/v1' },
    { kinds: ['PodSecurityPolicy'], removedIn: '1.25', replacement: 'Pod Security Admission' },
  ],
  'node.k8s.io/v1beta1': [{ kinds: ['RuntimeClass'], removedIn: '1.25', replacement: 'node.k8s.io/v1' }],
  'flowcontrol.apiserver.k8s.io/v1beta1': [
    { kinds: ['*'], removedIn: '1.26', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  ],
  'flowcontrol.apiserver.k8s.io/v1beta2': [
    { kinds: ['*'], removedIn: '1.29', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  ],
  'flowcontrol.apiserver.k8s.io/v1beta3': [
    { kinds: ['*'], removedIn: '1.32', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  ],
};

export const deprecatedApiVersion: RuleDefinition = {
  id: 'deprecated-api-version',
  title: 'Deprecated or removed API version',
  severity: 'medium',
  rationale:
    'Objects in removed API versions fail to apply after a cluster upgrade, usually in the middle of a release.',
  remediation:
    'Move the object to the replacement API version (kubectl convert helps) and adapt changed fields.',
  appliesTo: 'all',
  exemptible: true,
  check: (ctx) => {
    const entries = DEPRECATIONS[ctx.resource.apiVersion];
    const hit = entries?.find(
      (entry) => entry.kinds.includes('*') || entry.kinds.includes(ctx.resource.kind),
    );
    if (!hit) return [];
    return [
      {
        path: ['apiVersion'],
        message: `${ctx.resource.apiVersion} ${ctx.resource.kind} is removed in Kubernetes ${hit.removedIn}; use ${hit.replacement}`,
      },
    ];
  },
};
