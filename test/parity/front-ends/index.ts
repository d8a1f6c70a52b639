import type { FrontEnd, FrontEndName } from './front-end.js';
import { github } from './github.js';
import { createGitlab } from './gitlab.js';
import { createJenkins } from './jenkins.js';

export type { DeployRequest, FrontEnd, FrontEndName, StepOutcome, Workspace } from './front-end.js';
export { FRONT_END_NAMES } from './front-end.js';
export { jenkinsUnavailable } from './jenkins.js';

/** The three front ends, by name (fresh instances: the Jenkins one owns a JVM until closed). */
export function createFrontEnds(): Record<FrontEndName, FrontEnd> {
  return { github, gitlab: createGitlab(), jenkins: createJenkins() };
}
