import type { Configuration } from '../model/index.js';
import { canonicalYaml } from './canonical.js';
import { ABSENT_FINGERPRINT } from './fingerprint.js';
import { unifiedDiff } from './line-diff.js';
import { configDataOf } from './record-data.js';
import type { RenderedConfig } from './render.js';
import type { ConfigStore } from './store.js';

export interface ConfigVersionSummary {
  version: number;
  hash: string;
  createdAt: string;
  createdBy: string;
  deploymentId: string;
  /** Secret keys → references (never values). */
  secrets: Record<string, string>;
  rollbackOf?: number;
}

/** What a diff compares: stored versions or a fresh render (a preview of what a deployment would change). */
export interface ConfigSnapshot {
  label: string;
  values: Record<string, unknown>;
  references: Record<string, string>;
  fingerprints: Record<string, string>;
}

export function snapshotOfRecord(record: Configuration): ConfigSnapshot {
  const data = configDataOf(record);
  return {
    label: `${record.name}/${record.environment} v${record.version} (${data.hash.slice(0, 19)})`,
    values: data.values,
    references: record.secrets,
    fingerprints: data.secretFingerprints,
  };
}

export function snapshotOfRender(rendered: RenderedConfig, label = 'rendered'): ConfigSnapshot {
  return {
    label: `${rendered.app}/${rendered.environment} ${label} (${rendered.hash.slice(0, 19)})`,
    values: rendered.values,
    references: rendered.references,
    fingerprints: rendered.fingerprints,
  };
}

/**
 * The readable form of a configuration: canonical YAML of the values, then the secrets as `KEY: ***` with their
 * references. `changed` marks secrets whose fingerprint differs from the other side of a diff.
 */
export function configText(snapshot: ConfigSnapshot, changed: ReadonlySet<string> = new Set()): string {
  let text = canonicalYaml({ values: snapshot.values });
  const keys = Object.keys(snapshot.references).sort();
  if (keys.length) {
    text += 'secrets:\n';
    for (const key of keys) {
      const shown = snapshot.fingerprints[key] === ABSENT_FINGERPRINT ? '(not set)' : '***';
      text += `  ${key}: ${shown}${changed.has(key) ? ' (changed)' : ''}  # ${snapshot.references[key]}\n`;
    }
  }
  return text;
}

/** A unified diff of two snapshots, secrets masked; a secret whose value changed shows as `*** (changed)`. */
export function diffSnapshots(from: ConfigSnapshot | undefined, to: ConfigSnapshot): string {
  const changed = new Set(
    Object.keys(to.references).filter(
      (k) => from && from.fingerprints[k] !== undefined && from.fingerprints[k] !== to.fingerprints[k],
    ),
  );
  return unifiedDiff(
    from ? configText(from) : '',
    configText(to, changed),
    from?.label ?? '(nothing)',
    to.label,
  );
}

/** `eds config history --env E`: every version, newest first. */
export async function configHistory(
  store: ConfigStore,
  app: string,
  env: string,
): Promise<ConfigVersionSummary[]> {
  const versions = await store.versions(app, env);
  const records = await Promise.all(versions.map((v) => store.require(app, env, v)));
  return records.reverse().map((record) => {
    const data = configDataOf(record);
    return {
      version: record.version,
      hash: data.hash,
      createdAt: record.createdAt,
      createdBy: record.createdBy,
      deploymentId: data.deploymentId,
      secrets: record.secrets,
      ...(data.rollbackOf !== undefined ? { rollbackOf: data.rollbackOf } : {}),
    };
  });
}

export interface ConfigDiffResult {
  from: number | null;
  to: number;
  /** Unified diff text; '' when the two versions render the same. */
  text: string;
}

/**
 * `eds config diff --env E [--from V] [--to V]`: `to` defaults to the newest version, `from` to the one before
 * `to` (nothing before version 1).
 */
export async function configDiff(
  store: ConfigStore,
  app: string,
  env: string,
  from?: number,
  to?: number,
): Promise<ConfigDiffResult> {
  const versions = await store.versions(app, env);
  const toVersion = to ?? versions[versions.length - 1];
  if (toVersion === undefined) {
    await store.require(app, env, 1); // throws CONFIG_VERSION_NOT_FOUND with a clear message
  }
  const toRecord = await store.require(app, env, toVersion);
  const fromVersion = from ?? [...versions].reverse().find((v) => v < toVersion);
  const fromRecord = fromVersion === undefined ? undefined : await store.require(app, env, fromVersion);
  return {
    from: fromVersion ?? null,
    to: toRecord.version,
    text: diffSnapshots(fromRecord ? snapshotOfRecord(fromRecord) : undefined, snapshotOfRecord(toRecord)),
  };
}

/** `eds config rollback --env E --to V`: the stored version, to render with `renderConfig({ pinned })`. */
export async function loadConfigVersion(
  store: ConfigStore,
  app: string,
  env: string,
  version: number,
): Promise<Configuration> {
  return store.require(app, env, version);
}

/** What deploying `rendered` would change against the newest stored version (for `eds render` in review). */
export async function previewDiff(store: ConfigStore, rendered: RenderedConfig): Promise<string> {
  const current = await store.latest(rendered.app, rendered.environment);
  return diffSnapshots(current ? snapshotOfRecord(current) : undefined, snapshotOfRender(rendered));
}
