import { gunzipSync, gzipSync } from 'node:zlib';
import { ValidationError } from '@eds/core';

/** Plain JSON up to this size; gzip + base64 in `binaryData` above it. */
export const COMPRESS_ABOVE = 64 * 1024;
/** etcd refuses objects over 1 MiB (1,572,864 bytes request limit; 1 MiB is the safe object size); leave room for metadata. */
export const MAX_PAYLOAD = 1024 * 1024 - 16 * 1024;

export const DATA_KEY = 'document.json';
export const BINARY_KEY = 'document.json.gz';

export interface Payload {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** Encode a document for a ConfigMap, refusing what cannot fit in one object. */
export function encodePayload(text: string, location: string): Payload {
  if (Buffer.byteLength(text) <= COMPRESS_ABOVE) return { data: { [DATA_KEY]: text } };
  const packed = gzipSync(Buffer.from(text, 'utf8')).toString('base64');
  if (packed.length > MAX_PAYLOAD) {
    throw new ValidationError(
      `record ${location} is too large for a ConfigMap: ${Math.round(packed.length / 1024)} KiB compressed, limit ${Math.round(
        MAX_PAYLOAD / 1024,
      )} KiB (Kubernetes objects are limited to 1 MiB)`,
      { code: 'RECORD_TOO_LARGE', expected: 'fewer events or smaller outputs in the record' },
    );
  }
  return { binaryData: { [BINARY_KEY]: packed } };
}

/**
 * The document text of a ConfigMap. Whatever is there is returned as is — a hand-edited, invalid document is
 * for the record store to report as corrupt, not for the backend to hide. Undecodable gzip comes back as text
 * that is not JSON, so it is reported the same way.
 */
export function decodePayload(payload: Payload): string {
  const packed = payload.binaryData?.[BINARY_KEY];
  if (packed !== undefined) {
    try {
      return gunzipSync(Buffer.from(packed, 'base64')).toString('utf8');
    } catch (error) {
      return `<undecodable ${BINARY_KEY}: ${(error as Error).message}>`;
    }
  }
  return payload.data?.[DATA_KEY] ?? '';
}
