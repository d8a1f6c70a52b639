/**
 * What the API server rejects, with its messages: typed-decoding failures (400 BadRequest, before
 * anything else) and validation (422 Invalid, one cause per field). Only the rules a deployment tool
 * meets are here; unknown fields are ignored (fieldValidation=Ignore behaviour).
 */
import type { FieldError } from './errors.js';
import { badRequest } from './errors.js';
import type { ResourceType } from './resources.js';
import { fromLabelSelectorSpec, matchesLabels, validateLabelKey, validateLabelValue } from './selectors.js';
import type { JsonObject, KubeObject } from './types.js';
import { deepEqual, field, isObject, microTime, stableStringify, text } from './types.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
export const MAX_CONFIG_BYTES = 1024 * 1024;

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** Go's encoding/json refuses a value of the wrong JSON type for a typed field: a 400, not a 422. */
export function checkDecodable(rt: ResourceType, object: JsonObject): void {
  const fail = (value: unknown, goField: string, goType: string): never => {
    throw badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: json: cannot unmarshal ${jsonType(value)} into Go struct field ${goField} of type ${goType}`,
    );
  };
  const metadata = object.metadata;
  if (metadata !== undefined && !isObject(metadata)) fail(metadata, `${rt.kind}.metadata`, 'v1.ObjectMeta');
  for (const map of ['labels', 'annotations']) {
    const values = field(metadata, map);
    if (values === undefined || values === null) continue;
    if (!isObject(values)) fail(values, `ObjectMeta.metadata.${map}`, 'map[string]string');
    for (const value of Object.values(values as JsonObject)) {
      if (typeof value !== 'string') fail(value, `ObjectMeta.metadata.${map}`, 'string');
    }
  }
  const stringMap = (key: string, goField: string): void => {
    const values = object[key];
    if (values === undefined || values === null) return;
    if (!isObject(values)) fail(values, goField, 'map[string]string');
    for (const value of Object.values(values as JsonObject))
      if (typeof value !== 'string') fail(value, goField, 'string');
  };
  if (rt.kind === 'ConfigMap') {
    stringMap('data', 'ConfigMap.data');
    stringMap('binaryData', 'ConfigMap.binaryData');
  }
  if (rt.kind === 'Secret') {
    stringMap('data', 'Secret.data');
    stringMap('stringData', 'Secret.stringData');
  }
  const int = (value: unknown, goField: string): void => {
    if (value !== undefined && value !== null && !(typeof value === 'number' && Number.isInteger(value))) {
      fail(value, goField, 'int32');
    }
  };
  if (rt.kind === 'Deployment' || rt.kind === 'ReplicaSet') {
    int(field(object, 'spec', 'replicas'), `${rt.kind}Spec.spec.replicas`);
  }
  if (rt.kind === 'Lease') {
    int(field(object, 'spec', 'leaseDurationSeconds'), 'LeaseSpec.spec.leaseDurationSeconds');
    for (const key of ['acquireTime', 'renewTime']) {
      const value = field(object, 'spec', key);
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string' || microTime(value) === undefined) {
        throw badRequest(
          `Lease in version "v1" cannot be handled as a Lease: parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05.000000Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`,
        );
      }
    }
  }
  if (rt.kind === 'Job') {
    for (const key of ['parallelism', 'completions', 'backoffLimit'])
      int(field(object, 'spec', key), `JobSpec.spec.${key}`);
  }
}

function goMap(value: unknown): string {
  if (!isObject(value)) return 'map[string]string(nil)';
  return `map[string]string{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(', ')}}`;
}

function required(fieldPath: string, detail?: string): FieldError {
  return {
    field: fieldPath,
    reason: 'FieldValueRequired',
    message: detail ? `Required value: ${detail}` : 'Required value',
  };
}

function invalidValue(fieldPath: string, value: unknown, detail: string): FieldError {
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value)
      : typeof value === 'number'
        ? String(value)
        : stableStringify(value);
  return { field: fieldPath, reason: 'FieldValueInvalid', message: `Invalid value: ${shown}: ${detail}` };
}

function validateMetadata(rt: ResourceType, object: KubeObject, errors: FieldError[]): void {
  const { name } = object.metadata;
  const labelName = rt.kind === 'Namespace' || rt.kind === 'Service';
  if (!name) {
    errors.push(required('metadata.name', 'name or generateName is required'));
  } else if (
    labelName ? !DNS_LABEL.test(name) || name.length > 63 : !DNS_SUBDOMAIN.test(name) || name.length > 253
  ) {
    errors.push(
      invalidValue(
        'metadata.name',
        name,
        labelName
          ? `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
          : `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ),
    );
  }
  for (const [key, value] of Object.entries(object.metadata.labels ?? {})) {
    const keyError = validateLabelKey(key);
    if (keyError) errors.push(invalidValue('metadata.labels', key, keyError));
    const valueError = validateLabelValue(value);
    if (valueError) errors.push(invalidValue('metadata.labels', value, valueError));
  }
  for (const key of Object.keys(object.metadata.annotations ?? {})) {
    const keyError = validateLabelKey(key);
    if (keyError) errors.push(invalidValue('metadata.annotations', key, keyError));
  }
}

function validateContainers(podSpec: unknown, path: string, errors: FieldError[]): void {
  const containers = field(podSpec, 'containers');
  if (!Array.isArray(containers) || containers.length === 0) {
    errors.push(required(`${path}.containers`));
    return;
  }
  const names = new Set<string>();
  containers.forEach((container, i) => {
    const name = field(container, 'name');
    if (typeof name !== 'string' || name === '') errors.push(required(`${path}.containers[${i}].name`));
    else if (names.has(name))
      errors.push({
        field: `${path}.containers[${i}].name`,
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: ${JSON.stringify(name)}`,
      });
    else names.add(name);
    const image = field(container, 'image');
    if (typeof image !== 'string' || image.trim() === '')
      errors.push(required(`${path}.containers[${i}].image`));
  });
}

function validateTemplate(
  spec: JsonObject,
  allowedRestartPolicies: string[],
  errors: FieldError[],
  selectorRequired: boolean,
): void {
  const selector = spec.selector;
  if (selectorRequired && !isObject(selector)) {
    errors.push(required('spec.selector'));
  } else if (isObject(selector)) {
    const requirements = fromLabelSelectorSpec(selector);
    if (requirements.length === 0)
      errors.push(invalidValue('spec.selector', selector, 'empty selector is invalid for deployment'));
    const labels = field(spec, 'template', 'metadata', 'labels');
    if (
      requirements.length > 0 &&
      !matchesLabels(requirements, isObject(labels) ? (labels as Record<string, string>) : {})
    ) {
      errors.push({
        field: 'spec.template.metadata.labels',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``,
      });
    }
  }
  const podSpec = field(spec, 'template', 'spec');
  if (!isObject(podSpec)) {
    errors.push(required('spec.template.spec.containers'));
    return;
  }
  validateContainers(podSpec, 'spec.template.spec', errors);
  const policy = podSpec.restartPolicy;
  if (policy === undefined) {
    errors.push(
      required(
        'spec.template.spec.restartPolicy',
        `valid values: ${allowedRestartPolicies.map((p) => JSON.stringify(p)).join(', ')}`,
      ),
    );
  } else if (!allowedRestartPolicies.includes(text(policy))) {
    errors.push({
      field: 'spec.template.spec.restartPolicy',
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(policy)}: supported values: ${allowedRestartPolicies.map((p) => JSON.stringify(p)).join(', ')}`,
    });
  }
}

function nonNegative(value: unknown, path: string, errors: FieldError[]): void {
  if (typeof value === 'number' && value < 0)
    errors.push(invalidValue(path, value, 'must be greater than or equal to 0'));
}

function intOrPercentIsZero(value: unknown): boolean {
  return value === 0 || value === '0%' || value === '0';
}

function validateSize(object: KubeObject, errors: FieldError[]): void {
  let bytes = 0;
  for (const key of ['data', 'binaryData']) {
    const values = object[key];
    if (!isObject(values)) continue;
    for (const [name, value] of Object.entries(values)) {
      if (!CONFIG_KEY.test(name) || name.length > 253) {
        errors.push(
          invalidValue(
            `${key}[${name}]`,
            name,
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
          ),
        );
      }
      bytes += name.length + String(value).length;
    }
  }
  if (bytes > MAX_CONFIG_BYTES) {
    errors.push({
      field: object.kind === 'Secret' ? 'data' : '[]',
      reason: 'FieldValueTooLong',
      message: `Too long: must have at most ${MAX_CONFIG_BYTES} bytes`,
    });
  }
}

/** Field errors for an object about to be stored; `previous` is set on update (immutability rules). */
export function validate(rt: ResourceType, object: KubeObject, previous?: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  validateMetadata(rt, object, errors);
  const spec = isObject(object.spec) ? object.spec : undefined;
  switch (rt.kind) {
    case 'Deployment':
    case 'ReplicaSet': {
      if (!spec) {
        errors.push(required('spec.selector'), required('spec.template.spec.containers'));
        break;
      }
      nonNegative(spec.replicas, 'spec.replicas', errors);
      validateTemplate(spec, ['Always'], errors, true);
      const rolling = field(spec, 'strategy', 'rollingUpdate');
      if (rt.kind === 'Deployment' && isObject(rolling)) {
        if (intOrPercentIsZero(rolling.maxSurge) && intOrPercentIsZero(rolling.maxUnavailable)) {
          errors.push(
            invalidValue(
              'spec.strategy.rollingUpdate.maxUnavailable',
              rolling.maxUnavailable,
              'may not be 0 when `maxSurge` is 0',
            ),
          );
        }
      }
      if (previous && !deepEqual(field(previous, 'spec', 'selector'), spec.selector)) {
        errors.push(invalidValue('spec.selector', spec.selector, 'field is immutable'));
      }
      break;
    }
    case 'Job': {
      if (!spec) {
        errors.push(required('spec.template.spec.containers'));
        break;
      }
      validateTemplate(spec, ['OnFailure', 'Never'], errors, false);
      nonNegative(spec.backoffLimit, 'spec.backoffLimit', errors);
      if (previous && !deepEqual(field(previous, 'spec', 'template'), spec.template)) {
        errors.push(invalidValue('spec.template', spec.template, 'field is immutable'));
      }
      break;
    }
    case 'Pod':
      validateContainers(spec, 'spec', errors);
      break;
    case 'Service': {
      const ports = spec?.ports;
      const type = spec?.type ?? 'ClusterIP';
      if (
        type !== 'ExternalName' &&
        (!Array.isArray(ports) || ports.length === 0) &&
        spec?.clusterIP !== 'None'
      ) {
        errors.push(required('spec.ports'));
      }
      if (Array.isArray(ports)) {
        ports.forEach((port, i) => {
          const number = field(port, 'port');
          if (typeof number !== 'number' || number < 1 || number > 65535) {
            errors.push(
              invalidValue(`spec.ports[${i}].port`, number, 'must be between 1 and 65535, inclusive'),
            );
          }
        });
      }
      const oldIP = field(previous, 'spec', 'clusterIP');
      if (previous && oldIP && spec?.clusterIP !== oldIP) {
        errors.push(invalidValue('spec.clusterIPs[0]', spec?.clusterIP ?? '', 'may not change once set'));
      }
      break;
    }
    case 'ConfigMap':
    case 'Secret':
      validateSize(object, errors);
      if (previous?.immutable === true) {
        for (const key of ['data', 'binaryData']) {
          if (!deepEqual(previous[key], object[key])) {
            errors.push({
              field: key,
              reason: 'FieldValueForbidden',
              message: 'Forbidden: field is immutable when `immutable` is set',
            });
          }
        }
      }
      break;
    case 'Lease': {
      const duration = field(object, 'spec', 'leaseDurationSeconds');
      if (typeof duration === 'number' && duration <= 0)
        errors.push(invalidValue('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
      break;
    }
    case 'Ingress': {
      const rules = field(object, 'spec', 'rules');
      const backend = field(object, 'spec', 'defaultBackend');
      if (!backend && (!Array.isArray(rules) || rules.length === 0)) {
        errors.push(invalidValue('spec.rules', [], 'either `defaultBackend` or `rules` must be specified'));
      }
      break;
    }
    default:
      break;
  }
  return errors;
}
