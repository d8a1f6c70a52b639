import {
  ActionSession,
  Inputs,
  publishDeployment,
  readChoice,
  readDeploymentRef,
  readMirrorInputs,
  readRequired,
  readString,
  readWorkspaceInputs,
  runAction,
} from '@eds/github';

const DECISIONS = ['approve', 'reject'] as const;

/** `eds approve|reject ID --by USER`: decide a deployment waiting at its approval gate. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const workspace = readWorkspaceInputs();
    const mirror = readMirrorInputs();
    const ref = readDeploymentRef();
    const by = readRequired(Inputs.By);
    const decision = readChoice(Inputs.Decision, DECISIONS) ?? 'approve';
    const comment = readString(Inputs.Comment);
    const session = new ActionSession(workspace);
    const id = await session.deploymentId(ref);
    const record = await session.mirrored(mirror, { id }, () =>
      decision === 'approve'
        ? session.service.approve(id, by, comment)
        : session.service.reject(id, by, comment),
    );
    // As in the CLI: a rejection that cancelled the deployment is the step doing what it was asked (exit 0).
    return publishDeployment(decision, record, {
      githubDeploymentId: session.githubDeploymentId,
      ...(decision === 'reject' ? { exitOverride: 0 } : {}),
    });
  });
}
