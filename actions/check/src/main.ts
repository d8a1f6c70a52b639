import path from 'node:path';
import {
  ActionSession,
  Inputs,
  publishCheck,
  readList,
  readRequired,
  readString,
  readWorkspaceInputs,
  runAction,
} from '@eds/github';

/** `eds check`: the policy decision and SARIF / JUnit / Markdown reports, without deploying; exit 3 blocks. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const workspace = readWorkspaceInputs();
    const environment = readRequired(Inputs.Environment);
    const vulnReports = readList(Inputs.VulnReports);
    const reports = {
      sarif: readString(Inputs.Sarif),
      junit: readString(Inputs.Junit),
      markdown: readString(Inputs.Markdown),
    };
    const session = new ActionSession(workspace);
    // Report paths are the user's, relative to the workspace (the CLI's are relative to the current directory).
    const paths = Object.fromEntries(
      Object.entries(reports).flatMap(([kind, file]) => (file ? [[kind, path.resolve(file)]] : [])),
    ) as { sarif?: string; junit?: string; markdown?: string };
    const { result } = await session.service.check(session.spec, environment, vulnReports, paths);
    return publishCheck(result, paths, path.dirname(session.spec.file));
  });
}
