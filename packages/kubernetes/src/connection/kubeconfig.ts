import fs from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { ValidationError, registerSecret } from '@eds/core';

/** Where to find the cluster: the env spec's `{ context, namespace, kubeconfig }` plus the process environment. */
export interface ConnectionSettings {
  /** Path of a kubeconfig file; default `KUBECONFIG`, then `~/.kube/config`, then the in-cluster service account. */
  kubeconfig?: string;
  /** A context name from the kubeconfig; default its `current-context`. */
  context?: string;
  /** Namespace; default the context's namespace, then `default`. */
  namespace?: string;
  env?: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  config: KubeConfig;
  namespace: string;
  /** `https://host:port` of the API server, for messages. */
  server: string;
  /** Where the configuration came from (a file path or `in-cluster`), for messages. */
  source: string;
}

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const IN_CLUSTER_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function invalid(source: string, problem: string, cause?: unknown): ValidationError {
  return new ValidationError(`invalid kubeconfig ${source}: ${problem}`, {
    code: 'INVALID_KUBECONFIG',
    file: source,
    expected: 'a kubeconfig with clusters, users and contexts (see `kubectl config view`)',
    ...(cause !== undefined ? { cause } : {}),
  });
}

/** The first explicit path wins; KUBECONFIG may list several files (`a:b`), of which kubectl merges all. */
function kubeconfigPaths(settings: ConnectionSettings, env: NodeJS.ProcessEnv): string[] {
  if (settings.kubeconfig) return [settings.kubeconfig];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(':').filter(Boolean);
  const home = env.HOME ?? env.USERPROFILE;
  const fallback = home ? `${home}/.kube/config` : undefined;
  return fallback && fs.existsSync(fallback) ? [fallback] : [];
}

function loadFile(file: string): KubeConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw invalid(file, `cannot read it (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, cause);
  }
  const config = new KubeConfig();
  try {
    config.loadFromString(text);
  } catch (cause) {
    // js-yaml and client-node messages name the field; keep them, drop the stack.
    throw invalid(file, (cause as Error).message.split('\n')[0] ?? 'unreadable', cause);
  }
  if (config.getContexts().length === 0 || config.getClusters().length === 0) {
    throw invalid(file, 'it defines no contexts or no clusters');
  }
  return config;
}

/**
 * kubectl talks to a plain-http server (`kubectl proxy`, a local emulator) as configured; client-node refuses
 * unless skipTLSVerify is set. There is no TLS to verify on http, so setting it changes nothing else.
 */
function allowPlainHttp(config: KubeConfig): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: config.clusters.map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c)),
    contexts: config.contexts,
    users: config.users,
    currentContext: config.currentContext,
  });
  return copy;
}

/**
 * Load the cluster configuration the way kubectl does (explicit file, KUBECONFIG, ~/.kube/config, in-cluster),
 * select the context, and check that it names a cluster with a server. Every problem is a ValidationError
 * (exit 2) naming the file, never a stack trace.
 */
export function loadKubeConfig(settings: ConnectionSettings = {}): LoadedConfig {
  const env = settings.env ?? process.env;
  const paths = kubeconfigPaths(settings, env);
  let config: KubeConfig;
  let source: string;
  if (paths.length > 0) {
    config = loadFile(paths[0]);
    for (const extra of paths.slice(1)) {
      if (fs.existsSync(extra)) config.mergeConfig(loadFile(extra), true);
    }
    source = paths.join(':');
  } else if (env.KUBERNETES_SERVICE_HOST && fs.existsSync(IN_CLUSTER_TOKEN)) {
    config = new KubeConfig();
    config.loadFromCluster();
    source = 'in-cluster service account';
  } else {
    throw new ValidationError(
      'no Kubernetes configuration found: set KUBECONFIG, create ~/.kube/config, give `kubeconfig:` in the target, or run in a pod',
      { code: 'INVALID_KUBECONFIG', expected: 'a kubeconfig file or an in-cluster service account' },
    );
  }
  if (settings.context) {
    if (!config.getContextObject(settings.context)) {
      const known = config
        .getContexts()
        .map((c) => c.name)
        .join(', ');
      throw invalid(source, `context "${settings.context}" does not exist (known: ${known || 'none'})`);
    }
    config.setCurrentContext(settings.context);
  }
  const context = config.getContextObject(config.getCurrentContext());
  if (!context && source !== 'in-cluster service account') {
    throw invalid(source, `current-context "${config.getCurrentContext()}" does not exist`);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster?.server)
    throw invalid(source, `context "${config.getCurrentContext()}" has no cluster server`);
  try {
    new URL(cluster.server);
  } catch (cause) {
    throw invalid(source, `cluster server "${cluster.server}" is not a URL`, cause);
  }
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) config = allowPlainHttp(config);
  const user = config.getCurrentUser();
  // Tokens and passwords must never reach a log or an error message.
  if (user?.token) registerSecret(user.token);
  if (user?.password) registerSecret(user.password);
  const namespace =
    settings.namespace ??
    context?.namespace ??
    (source === 'in-cluster service account' && fs.existsSync(IN_CLUSTER_NAMESPACE)
      ? fs.readFileSync(IN_CLUSTER_NAMESPACE, 'utf8').trim()
      : 'default');
  return { config, namespace, server: cluster.server, source };
}
