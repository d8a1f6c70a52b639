import path from 'node:path';
import {
  ActionSession,
  Inputs,
  publishRender,
  readChoice,
  readPairs,
  readRequired,
  readString,
  readWorkspaceInputs,
  runAction,
} from '@eds/github';

const FORMATS = ['yaml', 'json'] as const;

/** `eds render --env ENV -o DIR`: Kubernetes manifests and configuration, deterministic, secrets omitted. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const workspace = readWorkspaceInputs();
    const environment = readRequired(Inputs.Environment);
    const set = readPairs(Inputs.Set);
    const outputDir = readString(Inputs.OutputDir);
    const format = readChoice(Inputs.Format, FORMATS) ?? 'yaml';
    const session = new ActionSession(workspace);
    const rendered = await session.service.render({
      loaded: session.spec,
      environment,
      set,
      format,
      ...(outputDir ? { outDir: path.resolve(outputDir) } : {}),
    });
    return publishRender(environment, rendered);
  });
}
