/**
 * The emulated scheduler's one decision: does the pod fit the single node? It does not when its
 * nodeSelector names labels the node lacks, when its containers request more CPU or memory than the
 * node has, or when an image is tagged `unschedulable`. The message is the scheduler's own wording.
 */
import { behaviourOf } from '../failures.js';
import type { KubeObject } from '../types.js';
import { field, isObject, text } from '../types.js';

export const NODE_NAME = 'eds-emulator-node';
export const NODE_LABELS: Record<string, string> = {
  'kubernetes.io/hostname': NODE_NAME,
  'kubernetes.io/os': 'linux',
  'kubernetes.io/arch': 'amd64',
};
const NODE_CPU_MILLIS = 8000;
const NODE_MEMORY_BYTES = 32 * 1024 ** 3;

/** `500m`, `2`, `0.5` → millicores. */
export function cpuMillis(quantity: string): number {
  if (quantity.endsWith('m')) return Number(quantity.slice(0, -1));
  return Number(quantity) * 1000;
}

const BINARY: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** `512Mi`, `1G`, `1000` → bytes. */
export function memoryBytes(quantity: string): number {
  const match = /^([0-9.]+)([A-Za-z]*)$/.exec(quantity);
  if (!match) return NaN;
  const unit = match[2];
  return Number(match[1]) * (BINARY[unit] ?? DECIMAL[unit] ?? 1);
}

/** Why the pod cannot be scheduled, or undefined when it fits. */
export function unschedulableReason(pod: KubeObject): string | undefined {
  const reasons: string[] = [];
  const selector = field(pod, 'spec', 'nodeSelector');
  if (isObject(selector) && Object.entries(selector).some(([k, v]) => NODE_LABELS[k] !== v)) {
    reasons.push("1 node(s) didn't match Pod's node affinity/selector");
  }
  const containers = field(pod, 'spec', 'containers');
  let cpu = 0;
  let memory = 0;
  let tagged = false;
  for (const container of Array.isArray(containers) ? containers : []) {
    const requests = field(container, 'resources', 'requests');
    if (isObject(requests)) {
      if (requests.cpu !== undefined) cpu += cpuMillis(text(requests.cpu, '0'));
      if (requests.memory !== undefined) memory += memoryBytes(text(requests.memory, '0'));
    }
    if (behaviourOf(text(field(container, 'image'))) === 'unschedulable') tagged = true;
  }
  if (cpu > NODE_CPU_MILLIS) reasons.push('1 Insufficient cpu');
  if (memory > NODE_MEMORY_BYTES) reasons.push('1 Insufficient memory');
  if (tagged && reasons.length === 0)
    reasons.push('1 node(s) had untolerated taint {eds.dev/emulator: unschedulable}');
  if (reasons.length === 0) return undefined;
  return `0/1 nodes are available: ${reasons.join(', ')}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`;
}
