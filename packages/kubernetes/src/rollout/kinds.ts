/** The fields of workload objects that rollout judgement reads; raw API JSON satisfies these shapes. */

export interface Condition {
  type: string;
  /** `True`, `False` or `Unknown`. */
  status: string;
  reason?: string;
  message?: string;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: { kind: string; name: string; uid?: string }[];
}

export interface ContainerSpec {
  name: string;
  image?: string;
  ports?: { containerPort?: number }[];
  readinessProbe?: { httpGet?: { path?: string } };
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: ContainerSpec[] };
}

export interface DeploymentObject {
  metadata: ObjectMeta;
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> }; template?: PodTemplate };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: Condition[];
  };
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number };
}

export interface ContainerStatus {
  name: string;
  image?: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface PodObject {
  metadata: ObjectMeta;
  spec?: { containers?: ContainerSpec[]; nodeName?: string };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    podIP?: string;
  };
}

export interface JobObject {
  metadata: ObjectMeta;
  spec?: { backoffLimit?: number };
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    startTime?: string;
    conditions?: Condition[];
  };
}
