import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { jsonSchemas } from '@eds/core';

describe('schema/', () => {
  it('matches the zod schemas (run `npm run build && npm run schema` when this fails)', () => {
    const schemas = jsonSchemas();
    expect(readdirSync('schema').sort()).toEqual(
      Object.keys(schemas)
        .map((n) => `${n}.schema.json`)
        .sort(),
    );
    for (const [name, schema] of Object.entries(schemas)) {
      expect(JSON.parse(readFileSync(`schema/${name}.schema.json`, 'utf8'))).toEqual(
        JSON.parse(JSON.stringify(schema)),
      );
    }
  });
});
