import { ValidationError, type TrafficWeights } from '@eds/core';

export interface TwoWaySplit {
  /** The version receiving the base share (the primary backend). */
  primary: string;
  /** The version receiving `canaryWeight` percent, if any. */
  canary?: string;
  canaryWeight: number;
}

/**
 * Ingress-style methods split between exactly two backends: the primary (stable) and one canary. The primary is
 * the version that currently has it, if it is still weighted; otherwise the heaviest.
 */
export function twoWaySplit(weights: TrafficWeights, currentPrimary: string | undefined): TwoWaySplit {
  const weighted = Object.entries(weights).filter(([, w]) => w > 0);
  if (weighted.length === 0) {
    throw new ValidationError('traffic weights give no version any traffic', { code: 'INVALID_WEIGHTS' });
  }
  if (weighted.length > 2) {
    throw new ValidationError(
      `this traffic method splits between two versions, not ${weighted.length} (${weighted.map(([v]) => v).join(', ')})`,
      { code: 'INVALID_WEIGHTS' },
    );
  }
  const primary =
    currentPrimary && weighted.some(([v]) => v === currentPrimary)
      ? currentPrimary
      : weighted.sort((a, b) => b[1] - a[1])[0][0];
  const other = weighted.find(([v]) => v !== primary);
  return other ? { primary, canary: other[0], canaryWeight: other[1] } : { primary, canaryWeight: 0 };
}

/**
 * Replica counts for a weight split over `total` pods: every weighted version keeps at least one pod, an
 * unweighted one none. The share equals the ready-pod ratio, so it is approximate for small totals.
 */
export function replicaSplit(weights: TrafficWeights, total: number): Record<string, number> {
  const entries = Object.entries(weights);
  const counts: Record<string, number> = {};
  let assigned = 0;
  const ordered = [...entries].sort((a, b) => a[1] - b[1]);
  ordered.forEach(([version, weight], index) => {
    if (weight <= 0) {
      counts[version] = 0;
      return;
    }
    const last = index === ordered.length - 1;
    const count = last ? Math.max(1, total - assigned) : Math.max(1, Math.round((total * weight) / 100));
    counts[version] = count;
    assigned += count;
  });
  return counts;
}
