/**
 * Deletion that spans objects: the garbage collector (an object whose owners are all gone is deleted,
 * as with propagationPolicy=Background) and the namespace controller (a Terminating namespace is
 * emptied, then removed).
 */
import { RESOURCE_TYPES, mustFindByKind } from '../resources.js';
import type { ControllerContext } from './runtime.js';

const NAMESPACE = mustFindByKind('v1', 'Namespace');

export class LifecycleController {
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(): void {
    const { store } = this.ctx;
    for (const ns of store.list(NAMESPACE)) {
      if (!ns.metadata.deletionTimestamp) continue;
      for (const rt of RESOURCE_TYPES) {
        if (!rt.namespaced) continue;
        for (const object of store.list(rt, ns.metadata.name))
          store.delete(rt, object.metadata.namespace, object.metadata.name);
      }
      store.delete(NAMESPACE, undefined, ns.metadata.name);
    }
    const uids = new Set<string>();
    for (const rt of RESOURCE_TYPES) for (const object of store.list(rt)) uids.add(object.metadata.uid);
    for (const rt of RESOURCE_TYPES) {
      for (const object of store.list(rt)) {
        const owners = object.metadata.ownerReferences ?? [];
        if (owners.length > 0 && owners.every((ref) => !uids.has(ref.uid))) {
          if (store.get(rt, object.metadata.namespace, object.metadata.name)) {
            store.delete(rt, object.metadata.namespace, object.metadata.name);
          }
        }
      }
    }
  }
}
