/**
 * JSON Schema export of the contract, for clients written in other languages.
 * `npm run schema` writes it to docs/protocol.schema.json; a test keeps that
 * file in step with the zod schemas.
 */
import { z } from 'zod';
import { runEventSchema } from './events';
import { clientMessageSchema, serverMessageSchema } from './messages';

export const JSON_SCHEMA_PATH = 'docs/protocol.schema.json';

function buildJsonSchema(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  registry.add(runEventSchema, { id: 'RunEvent' });
  registry.add(clientMessageSchema, { id: 'ClientMessage' });
  registry.add(serverMessageSchema, { id: 'ServerMessage' });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Agent event protocol',
    description: 'Frames exchanged over /ws. See docs/protocol.md.',
    $defs: Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, stripMeta(schema)])),
  };
}

/** Serialized exactly as the checked-in file is. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}

function stripMeta(schema: object): object {
  const { $schema: _drop, ...rest } = schema as Record<string, unknown>;
  return rest;
}
