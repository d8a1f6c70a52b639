import type { TrafficMatch, TrafficWeights } from '@eds/core';
import type { Manifest } from '../apply/manifest.js';
import type { Ownership } from '../apply/ownership.js';
import type { ComponentNames } from '../target/naming.js';
import type { TrafficMethodName, TrafficSettings } from '../target/settings.js';

/** A version of a component as it runs on the cluster. */
export interface RunningVersion {
  version: string;
  /** Deployment slot (a version slug for canaries). */
  slot: string;
  replicas: number;
}

/** What a traffic method may do to the cluster: given by the target, so methods stay small and testable. */
export interface WorkloadControl {
  readonly namespace: string;
  names(component: string): ComponentNames;
  owner(component: string): Ownership & { component: string };
  versions(component: string): Promise<RunningVersion[]>;
  /** Total replicas the component should run (eds.yaml `replicas`), when known. */
  desiredReplicas(component: string): number | undefined;
  scale(component: string, version: string, replicas: number): Promise<unknown>;
  apply(object: Manifest): Promise<Manifest>;
  read(apiVersion: string, kind: string, name: string): Promise<Manifest | undefined>;
  delete(apiVersion: string, kind: string, name: string): Promise<void>;
}

/** One way of splitting a component's traffic between versions on Kubernetes (the canary methods). */
export interface TrafficMethod {
  readonly name: TrafficMethodName;
  /** Make the cluster route `weights` (and `matches`) for the component. Idempotent. */
  route(component: string, weights: TrafficWeights, matches: TrafficMatch[]): Promise<void>;
  /** Where clients reach the component through this method. */
  endpoint(component: string): string;
}

export type TrafficMethodFactory = (control: WorkloadControl, settings: TrafficSettings) => TrafficMethod;
