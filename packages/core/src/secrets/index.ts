export {
  SecretValue,
  registerSecret,
  onSecretRegistered,
  redact,
  clearSecretsForTesting,
} from './secret-value.js';
