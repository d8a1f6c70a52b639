/**
 * Errors as the API server reports them: a `Status` object (kind Status, apiVersion v1) with `reason`,
 * `code`, `message` and `details`, built the way k8s.io/apimachinery/pkg/api/errors builds them so
 * clients that switch on `reason` (kubectl, @kubernetes/client-node) behave as against a real cluster.
 */
import type { JsonObject } from './types.js';

export interface StatusCause {
  reason?: string;
  type?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody extends JsonObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: JsonObject;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) body.details = this.details;
    return body;
  }
}

/** The "qualified resource" the API uses in messages: `deployments.apps`, or `configmaps` for core. */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, {
    name,
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, {
    name,
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

/** Optimistic-concurrency failure (stale resourceVersion, UID precondition). */
export function conflict(gr: GroupResource, name: string, why: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`,
    { name, group: gr.group || undefined, kind: gr.resource },
  );
}

export const STALE_OBJECT =
  'the object has been modified; please apply your changes to the latest version and try again';

export interface FieldError {
  field: string;
  /** `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueDuplicate`, … */
  reason: string;
  /** The detail, e.g. `Required value` or `Invalid value: "x": must be …`. */
  message: string;
}

/** 422 Invalid, message formatted as apimachinery's NewInvalid does. */
export function invalid(
  kindQualified: string,
  gr: GroupResource,
  name: string,
  errors: FieldError[],
): ApiError {
  const parts = errors.map((e) => `${e.field}: ${e.message}`);
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kindQualified} "${name}" is invalid: ${summary}`, {
    name,
    group: gr.group || undefined,
    kind: kindQualified.split('.')[0],
    causes: errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field })),
  });
}

export function forbidden(
  gr: GroupResource,
  name: string | undefined,
  user: string,
  verb: string,
  namespace: string | undefined,
): ApiError {
  const subject = name ? `${qualified(gr)} "${name}"` : qualified(gr);
  const scope = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${gr.resource}" in API group "${gr.group}"${scope}`;
  return new ApiError(403, 'Forbidden', message, {
    name,
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${JSON.stringify(contentType)})`,
  );
}

/** A watch asked to start from a resourceVersion older than the retained history. */
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** 422 with no field structure (patch application errors use this shape). */
export function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', `the server could not find the requested resource`, {});
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });
}
