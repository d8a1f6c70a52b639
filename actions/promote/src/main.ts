import {
  ActionSession,
  Inputs,
  publishDeployment,
  readBoolean,
  readDeploymentRef,
  readMirrorInputs,
  readWorkspaceInputs,
  runAction,
} from '@eds/github';

/** `eds promote ID [--full] [--wait]`: continue a paused deployment (by id, or the environment's latest). */
export async function run(): Promise<void> {
  await runAction(async () => {
    const workspace = readWorkspaceInputs();
    const mirror = readMirrorInputs();
    const ref = readDeploymentRef();
    const options = { full: readBoolean(Inputs.Full), wait: readBoolean(Inputs.Wait) };
    const session = new ActionSession(workspace);
    const id = await session.deploymentId(ref);
    const record = await session.mirrored(mirror, { id }, () => session.service.promote(id, options));
    return publishDeployment('promote', record, { githubDeploymentId: session.githubDeploymentId });
  });
}
