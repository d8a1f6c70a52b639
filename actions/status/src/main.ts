import {
  ActionSession,
  publishDeployment,
  readDeploymentRef,
  readWorkspaceInputs,
  runAction,
} from '@eds/github';

/**
 * `eds status`: a deployment (by id, or the environment's latest) as outputs, for later steps to branch on.
 * Reading a status succeeds whatever the deployment's outcome, as `eds status` does.
 */
export async function run(): Promise<void> {
  await runAction(async () => {
    const workspace = readWorkspaceInputs();
    const ref = readDeploymentRef();
    const session = new ActionSession(workspace);
    const record = await session.service.store.require(await session.deploymentId(ref));
    return publishDeployment('status', record, { exitOverride: 0 });
  });
}
