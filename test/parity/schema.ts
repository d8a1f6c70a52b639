import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';

const RECORD_SCHEMA = path.resolve('schema/record.schema.json');

/** The published JSON Schema of records (draft 2020-12), compiled once; returns the errors of one record. */
export function recordSchemaValidator(): (record: unknown) => string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  // ajv-formats is CommonJS: under NodeNext its default import is typed as the module, not the plugin function.
  (formatsPlugin as unknown as (instance: Ajv2020) => void)(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(RECORD_SCHEMA, 'utf8')) as object);
  return (record) =>
    validate(record)
      ? []
      : (validate.errors ?? []).map(
          (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
        );
}
