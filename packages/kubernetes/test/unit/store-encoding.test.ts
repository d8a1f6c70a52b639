import { describe, expect, it } from '@jest/globals';
import { childNames, documentName, prefixSelector } from '../../src/store/document-names.js';
import { leaseSpecOf, microTime } from '../../src/store/lease-codec.js';
import { decodePayload, encodePayload, MAX_PAYLOAD } from '../../src/store/payload.js';
import { randomBytes } from 'node:crypto';

describe('record store encoding', () => {
  it('names documents DNS-safely and uniquely per exact key', () => {
    const a = documentName('records/hello/prod/hello.prod.20250101T000000Z.AbC');
    const b = documentName('records/hello/prod/hello.prod.20250101T000000Z.abc');
    expect(a).toMatch(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/);
    expect(a).not.toBe(b);
    expect(documentName(`records/${'x'.repeat(400)}`).length).toBeLessThanOrEqual(253);
  });

  it('lists the direct children of a prefix', () => {
    expect(prefixSelector('records/hello')).toBe('eds.dev/store=true,eds.dev/kind=records,eds.dev/app=hello');
    expect(
      childNames(['records/a/prod/1', 'records/a/dev/2', 'records/b/prod/3'], 'records/a').sort(),
    ).toEqual(['dev', 'prod']);
  });

  it('stores small documents as JSON and large ones gzip+base64, round trip', () => {
    const small = '{"a":1}';
    expect(encodePayload(small, 'x')).toEqual({ data: { 'document.json': small } });
    const large = JSON.stringify({
      events: Array.from({ length: 5000 }, (_, i) => ({ seq: i, type: 'StepCompleted' })),
    });
    const encoded = encodePayload(large, 'x');
    expect(encoded.binaryData?.['document.json.gz']).toBeDefined();
    expect(decodePayload(encoded)).toBe(large);
  });

  it('refuses a document that cannot fit in one object, with a clear error', () => {
    const incompressible = randomBytes(MAX_PAYLOAD).toString('hex');
    expect(() => encodePayload(incompressible, 'ConfigMap team/eds-x')).toThrow(
      expect.objectContaining({ code: 'RECORD_TOO_LARGE', message: expect.stringContaining('1 MiB') }),
    );
  });

  it('returns hand-edited text as it is, for the record store to report', () => {
    expect(decodePayload({ data: { 'document.json': '{not json' } })).toBe('{not json');
  });

  it('maps a lock to Lease fields', () => {
    expect(microTime('2025-01-01T10:00:00.123Z')).toBe('2025-01-01T10:00:00.123000Z');
    const lock = {
      state: 'held',
      holder: 'hello.prod.1',
      acquiredAt: '2025-01-01T10:00:00.000Z',
      renewedAt: '2025-01-01T10:00:30.000Z',
      expiresAt: '2025-01-01T10:01:30.000Z',
    };
    expect(leaseSpecOf(JSON.stringify(lock))).toEqual({
      holderIdentity: 'hello.prod.1',
      acquireTime: '2025-01-01T10:00:00.000000Z',
      renewTime: '2025-01-01T10:00:30.000000Z',
      leaseDurationSeconds: 60,
    });
    expect(leaseSpecOf(JSON.stringify({ ...lock, expiresAt: null })).leaseDurationSeconds).toBeUndefined();
    expect(leaseSpecOf(JSON.stringify({ ...lock, state: 'free', holder: null }))).toEqual({});
  });
});
