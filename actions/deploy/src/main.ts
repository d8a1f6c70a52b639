import {
  ActionSession,
  Inputs,
  publishDeployment,
  readBoolean,
  readChoice,
  readDurationMs,
  readList,
  readMirrorInputs,
  readPairs,
  readRequired,
  readWorkspaceInputs,
  runAction,
} from '@eds/github';

const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'CANARY'] as const;

/** `eds deploy`: inputs → DeployInput, record → outputs; mirrored into GitHub Deployments. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const workspace = readWorkspaceInputs();
    const mirror = readMirrorInputs();
    const environment = readRequired(Inputs.Environment);
    const request = {
      versions: readPairs(Inputs.Versions),
      set: readPairs(Inputs.Set),
      strategy: readChoice(Inputs.Strategy, STRATEGIES),
      wait: readBoolean(Inputs.Wait),
      waitLockMs: readDurationMs(Inputs.WaitLock),
      timeoutMs: readDurationMs(Inputs.Timeout),
    };
    const session = new ActionSession(workspace, { vulnReports: readList(Inputs.VulnReports) });
    const record = await session.mirrored(mirror, await session.nextDeploymentOf(environment), () =>
      session.service.deploy({ loaded: session.spec, environment, ...request }),
    );
    return publishDeployment('deploy', record, { githubDeploymentId: session.githubDeploymentId });
  });
}
