import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_PATH, renderJsonSchema } from './json-schema';

describe('JSON Schema export', () => {
  it('matches the checked-in docs/protocol.schema.json (run `npm run schema` after changing the contract)', () => {
    expect(readFileSync(JSON_SCHEMA_PATH, 'utf8')).toBe(renderJsonSchema());
  });

  it('defines the run event, client message and server message', () => {
    const schema = JSON.parse(renderJsonSchema());
    expect(Object.keys(schema.$defs)).toEqual(['RunEvent', 'ClientMessage', 'ServerMessage']);
  });
});
