/** The host target: the EDS agent (instances, health checks, traffic router, control API) and its clients. */
export { startAgent, generateToken, type StartAgentOptions, type RunningAgent } from './start-agent.js';
export { HostTarget, type HostTargetOptions } from './host-target.js';
export { MultiHostTarget } from './multi-host-target.js';
export {
  ensureLocalAgent,
  stopLocalAgent,
  localAgentStatus,
  defaultAgentEntry,
  type EnsureLocalAgentOptions,
  type LocalAgentStatus,
} from './local-agent.js';
export type { ComponentStatus, MetricsReading } from './agent.js';
export type { AgentLogger } from './logger.js';
export { streamLogger, silentLogger } from './logger.js';
export type { PingResponse } from './protocol.js';
