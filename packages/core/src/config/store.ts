import { ConfigurationSchema, type Configuration } from '../model/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.js';
import type { DocumentBackend } from '../records/index.js';
import type { RenderedConfig } from './render.js';
import { configDataOf, type ConfigurationData } from './record-data.js';

const VERSION_DIGITS = 10;
const MAX_ATTEMPTS = 20;

const versionKey = (app: string, env: string, version: number): string =>
  `configs/${app}/${env}/${String(version).padStart(VERSION_DIGITS, '0')}`;

export interface SaveOptions {
  createdBy: string;
  /** The version this render re-applies (a config rollback), recorded for `eds config history`. */
  rollbackOf?: number;
}

export interface SaveResult {
  record: Configuration;
  /** False when the hash equals the current version's: that version is reused. */
  created: boolean;
}

/**
 * Versioned Configuration records over a document backend: `configs/<app>/<env>/<version>`, one document per
 * version, created once (revision 1). Creating version N fails when another writer made it first, so two
 * deployments cannot both take N; the loser re-reads and reuses or takes N+1.
 */
export class ConfigStore {
  constructor(
    readonly backend: DocumentBackend,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async versions(app: string, env: string): Promise<number[]> {
    const names = await this.backend.children(`configs/${app}/${env}`);
    return names
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
  }

  async get(app: string, env: string, version: number): Promise<Configuration | undefined> {
    const document = await this.backend.readLatest(versionKey(app, env, version));
    if (!document) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(document.text);
    } catch (cause) {
      throw new ValidationError('configuration record is corrupt (not JSON)', {
        code: 'CORRUPT_RECORD',
        file: document.location,
        cause,
      });
    }
    const parsed = ConfigurationSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ValidationError(
        `configuration record is corrupt: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        {
          code: 'CORRUPT_RECORD',
          file: document.location,
        },
      );
    }
    configDataOf(parsed.data);
    return parsed.data;
  }

  async require(app: string, env: string, version: number): Promise<Configuration> {
    const record = await this.get(app, env, version);
    if (!record) {
      const known = await this.versions(app, env);
      throw new NotFoundError(
        `configuration version ${version} of ${app}/${env} does not exist${known.length ? `; versions: ${known.join(', ')}` : ''}`,
        {
          code: 'CONFIG_VERSION_NOT_FOUND',
          path: '--to',
          expected: known.length ? `one of ${known.join(', ')}` : 'a saved version',
        },
      );
    }
    return record;
  }

  async latest(app: string, env: string): Promise<Configuration | undefined> {
    const versions = await this.versions(app, env);
    const newest = versions[versions.length - 1];
    return newest === undefined ? undefined : this.get(app, env, newest);
  }

  /** Store a render: a new version when its hash differs from the current version's, else the current version. */
  async save(rendered: RenderedConfig, options: SaveOptions): Promise<SaveResult> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const current = await this.latest(rendered.app, rendered.environment);
      if (current && configDataOf(current).hash === rendered.hash) return { record: current, created: false };
      const version = (current?.version ?? 0) + 1;
      const now = this.clock().toISOString();
      const data: ConfigurationData = {
        values: rendered.values,
        hash: rendered.hash,
        secretFingerprints: rendered.fingerprints,
        deploymentId: rendered.deploymentId,
        sources: rendered.sources,
        ...(options.rollbackOf !== undefined ? { rollbackOf: options.rollbackOf } : {}),
      };
      const record: Configuration = ConfigurationSchema.parse({
        id: `${rendered.app}.${rendered.environment}.config.${version}`,
        name: rendered.app,
        environment: rendered.environment,
        version,
        data,
        secrets: rendered.references,
        createdBy: options.createdBy,
        createdAt: now,
        updatedAt: now,
      });
      const key = versionKey(rendered.app, rendered.environment, version);
      if (await this.backend.create(key, 1, `${JSON.stringify(record, null, 2)}\n`))
        return { record, created: true };
    }
    throw new ConflictError(
      `could not save a configuration version of ${rendered.app}/${rendered.environment}: too many concurrent writers`,
    );
  }
}
