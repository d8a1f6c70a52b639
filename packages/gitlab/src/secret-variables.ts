// Generic across CI systems, so it lives in the core; re-exported here for GitLab users of this package.
export { registerSecretVariables, secretVariableNames } from '@eds/core';
