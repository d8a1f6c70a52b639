/** A Kubernetes object as EDS handles it: typed enough to address, open for everything else. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    generation?: number;
    uid?: string;
    managedFields?: { manager?: string; operation?: string }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export function isManifest(value: unknown): value is Manifest {
  const v = value as Partial<Manifest> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.apiVersion === 'string' &&
    typeof v.kind === 'string' &&
    typeof v.metadata === 'object' &&
    v.metadata !== null &&
    typeof v.metadata.name === 'string'
  );
}

export function describeObject(object: Pick<Manifest, 'kind' | 'metadata'>): string {
  return `${object.kind}/${object.metadata.name}`;
}
