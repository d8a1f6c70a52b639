import {
  ActionSession,
  Inputs,
  publishDeployment,
  readMirrorInputs,
  readRequired,
  readString,
  readWorkspaceInputs,
  runAction,
} from '@eds/github';

/** `eds rollback --env ENV [--to ID]`: the previous COMPLETED versions again, skipping steps and analysis. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const workspace = readWorkspaceInputs();
    const mirror = readMirrorInputs();
    const environment = readRequired(Inputs.Environment);
    const to = readString(Inputs.To);
    const session = new ActionSession(workspace);
    const record = await session.mirrored(mirror, await session.nextDeploymentOf(environment), () =>
      session.service.rollback(session.spec, environment, to),
    );
    return publishDeployment('rollback', record, { githubDeploymentId: session.githubDeploymentId });
  });
}
