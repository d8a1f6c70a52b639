import type { TrafficMethodName, TrafficSettings } from '../target/settings.js';
import { gatewayMethod } from './gateway/gateway-method.js';
import { nginxMethod } from './nginx/nginx-method.js';
import { replicasMethod } from './replicas/replicas-method.js';
import type { TrafficMethod, TrafficMethodFactory, WorkloadControl } from './traffic-method.js';

/** The one table of canary traffic methods, chosen by `traffic.method` in the target spec. */
export const TRAFFIC_METHODS: Record<TrafficMethodName, TrafficMethodFactory> = {
  replicas: replicasMethod,
  nginx: nginxMethod,
  gateway: gatewayMethod,
};

export function createTrafficMethod(control: WorkloadControl, settings: TrafficSettings): TrafficMethod {
  return TRAFFIC_METHODS[settings.method](control, settings);
}

export type { TrafficMethod, WorkloadControl, RunningVersion } from './traffic-method.js';
