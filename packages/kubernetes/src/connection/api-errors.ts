import { InternalError, ValidationError, type EdsError } from '@eds/core';

/** What a request was about, parsed from its path: enough to name it in an error. */
export interface RequestSubject {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
}

/** The `Status` object the API server answers errors with. */
export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

/**
 * A non-2xx answer of the API server. It keeps the HTTP status and the Status `reason` so callers can branch
 * on them (409 AlreadyExists vs Conflict) while the message stays readable for a human.
 */
export class KubeApiError extends InternalError {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string,
    readonly apiStatus: ApiStatus | undefined,
    code = 'KUBERNETES_API_ERROR',
  ) {
    super(message, { code, details: { status, reason } });
  }
}

/**
 * `/api/v1/namespaces/ns/configmaps/name` → resource configmaps in ns, name. `/apis/g/v/...` likewise. Watch and
 * list are told apart by the caller (the query), so the verb comes in.
 */
export function subjectOf(method: string, path: string, watch: boolean): RequestSubject {
  const parts = path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  const rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest.splice(0, 2);
  }
  const [resource = parts.join('/'), name, subresource] = rest;
  const verbs: Record<string, string> = {
    POST: 'create',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: name ? 'delete' : 'deletecollection',
  };
  const verb = method === 'GET' ? (watch ? 'watch' : name ? 'get' : 'list') : (verbs[method] ?? method);
  return {
    verb,
    resource: subresource ? `${resource}/${subresource}` : resource,
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
  };
}

function describe(subject: RequestSubject): string {
  return `${subject.verb} ${subject.resource}${subject.name ? ` "${subject.name}"` : ''}${
    subject.namespace ? ` in namespace ${subject.namespace}` : ' (cluster scope)'
  }`;
}

/** Turn an error answer into the EdsError a user can act on. */
export function apiError(
  status: number,
  body: string,
  subject: RequestSubject,
  server: string,
): EdsError & { status?: number; reason?: string } {
  let parsed: ApiStatus | undefined;
  try {
    const value = JSON.parse(body) as unknown;
    if (value && typeof value === 'object') parsed = value;
  } catch {
    parsed = undefined;
  }
  const reason = parsed?.reason ?? '';
  const serverMessage = parsed?.message ?? body.slice(0, 300);
  if (status === 401) {
    return new KubeApiError(
      `not authenticated to ${server} (401) trying to ${describe(subject)}: check the kubeconfig credentials`,
      status,
      reason || 'Unauthorized',
      parsed,
      'KUBERNETES_UNAUTHORIZED',
    );
  }
  if (status === 403) {
    return new KubeApiError(
      `forbidden: cannot ${subject.verb} ${subject.resource}${subject.name ? ` "${subject.name}"` : ''} in namespace ${
        subject.namespace ?? '(cluster scope)'
      } on ${server}; grant the verb "${subject.verb}" on "${subject.resource}" to the deploying identity${
        serverMessage ? ` (server: ${serverMessage})` : ''
      }`,
      status,
      reason || 'Forbidden',
      parsed,
      'KUBERNETES_FORBIDDEN',
    );
  }
  if (status === 422 || (status === 400 && reason !== '')) {
    const causes = (parsed?.details?.causes ?? [])
      .map((c) => `${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`)
      .join('; ');
    const error = new KubeApiError(
      `the API server rejected ${describe(subject)}: ${serverMessage}${causes && !serverMessage.includes(causes) ? ` (${causes})` : ''}`,
      status,
      reason || 'Invalid',
      parsed,
      'KUBERNETES_INVALID',
    );
    return error;
  }
  return new KubeApiError(
    `${describe(subject)} failed on ${server}: ${status} ${reason}${serverMessage ? `: ${serverMessage}` : ''}`,
    status,
    reason,
    parsed,
  );
}

/** A manifest for a kind the cluster does not serve. */
export function unknownKind(apiVersion: string, kind: string, server: string): ValidationError {
  return new ValidationError(
    `the cluster at ${server} does not serve kind ${kind} in ${apiVersion}: install its CRD, or fix apiVersion/kind`,
    { code: 'UNKNOWN_KIND', path: `${apiVersion}/${kind}`, expected: 'a kind listed by API discovery' },
  );
}

export function isApiError(error: unknown, status: number, reason?: string): error is KubeApiError {
  return (
    error instanceof KubeApiError &&
    error.status === status &&
    (reason === undefined || error.reason === reason)
  );
}
