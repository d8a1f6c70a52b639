import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApiDeploymentStatus } from './status.js';

/** Which GitLab deployment mirrors an EDS deployment, and what the mirror last told GitLab about it. */
export interface DeploymentLink {
  projectId: string;
  gitlabDeploymentId: number;
  status: ApiDeploymentStatus;
  /** The EDS state the last merge request note described, so a repeated command does not post it again. */
  notedState: string | null;
}

export interface LinkStore {
  read(edsId: string): Promise<DeploymentLink | undefined>;
  write(edsId: string, link: DeploymentLink): Promise<void>;
}

/**
 * Links live next to the records (`<state>/gitlab/<id>.json`): the jobs of a pipeline share the state
 * directory, so the promote job an hour later updates the GitLab deployment that the deploy job created.
 */
export function fileLinkStore(stateDir: string): LinkStore {
  const dir = path.join(stateDir, 'gitlab');
  const file = (id: string) => path.join(dir, `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  return {
    async read(id) {
      try {
        return JSON.parse(await readFile(file(id), 'utf8')) as DeploymentLink;
      } catch {
        return undefined;
      }
    },
    async write(id, link) {
      await mkdir(dir, { recursive: true });
      const target = file(id);
      const temporary = `${target}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(link, null, 2)}\n`);
      await rename(temporary, target);
    },
  };
}

export function memoryLinkStore(): LinkStore {
  const links = new Map<string, DeploymentLink>();
  return {
    async read(id) {
      return links.get(id);
    },
    async write(id, link) {
      links.set(id, link);
    },
  };
}
