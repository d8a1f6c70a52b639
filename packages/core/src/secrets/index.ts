export {
  SecretValue,
  registerSecret,
  onSecretRegistered,
  redact,
  clearSecretsForTesting,
  secretVariableNames,
  registerSecretVariables,
} from './secret-value.js';
