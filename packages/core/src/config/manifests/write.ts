import { promises as fs } from 'node:fs';
import path from 'node:path';
import { canonicalYaml } from '../canonical.js';
import type { RenderedManifests } from './render-manifests.js';

export interface WriteOptions {
  /** `files`: one file per document (`NN-kind-name.yaml`, in document order); `stream`: one `manifests.yaml`. */
  layout?: 'files' | 'stream';
}

/**
 * Write rendered manifests. Files that contain a Secret are created with mode 0600; nothing else is sensitive.
 * Returns the paths written, in order.
 */
export async function writeRendered(
  dir: string,
  manifests: RenderedManifests,
  options: WriteOptions = {},
): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true });
  const ext = manifests.format === 'json' ? 'json' : 'yaml';
  const write = async (file: string, text: string, sensitive: boolean): Promise<string> => {
    await fs.rm(file, { force: true }); // a previous 0644 file must not keep its mode when it now holds a secret
    await fs.writeFile(file, text, { mode: sensitive ? 0o600 : 0o644 });
    return file;
  };
  if (options.layout === 'stream') {
    const sensitive = manifests.documents.some((d) => d.sensitive);
    return [await write(path.join(dir, `manifests.${ext}`), manifests.text, sensitive)];
  }
  const width = String(manifests.documents.length).length < 2 ? 2 : String(manifests.documents.length).length;
  const written: string[] = [];
  for (const [index, doc] of manifests.documents.entries()) {
    const name = `${String(index + 1).padStart(width, '0')}-${doc.kind.toLowerCase()}-${doc.name}.${ext}`;
    const text = ext === 'json' ? `${JSON.stringify(doc.object, null, 2)}\n` : canonicalYaml(doc.object);
    written.push(await write(path.join(dir, name), text, doc.sensitive));
  }
  return written;
}
