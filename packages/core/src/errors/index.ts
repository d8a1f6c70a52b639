export { ExitCode, type ExitCodeValue } from './exit-codes.js';
export {
  EdsError,
  ValidationError,
  PolicyError,
  LockedError,
  ConflictError,
  NotFoundError,
  DeploymentFailedError,
  InternalError,
  isEdsError,
  toEdsError,
  type ErrorLocation,
  type EdsErrorOptions,
} from './eds-error.js';
