import {
  ActionSession,
  publishDeployment,
  readDeploymentRef,
  readMirrorInputs,
  readWorkspaceInputs,
  runAction,
} from '@eds/github';

/** `eds abort ID`: traffic back to stable, the new version removed, CANCELLED — a success, as in the CLI. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const workspace = readWorkspaceInputs();
    const mirror = readMirrorInputs();
    const ref = readDeploymentRef();
    const session = new ActionSession(workspace);
    const id = await session.deploymentId(ref);
    const record = await session.mirrored(mirror, { id }, () => session.service.abort(id));
    return publishDeployment('abort', record, {
      githubDeploymentId: session.githubDeploymentId,
      exitOverride: 0,
    });
  });
}
