/** Writes the contract's JSON Schema to docs/protocol.schema.json (`npm run schema`). */
import { writeFileSync } from 'node:fs';
import { JSON_SCHEMA_PATH, renderJsonSchema } from '../protocol';

writeFileSync(JSON_SCHEMA_PATH, renderJsonSchema());
console.log(`wrote ${JSON_SCHEMA_PATH}`);
