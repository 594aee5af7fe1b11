/**
 * The event contract shared by server, web and e2e: schemas, parsing and the
 * run-lifecycle checker, and JSONL traces.
 */
export * from './events';
export * from './http';
export * from './json-schema';
export * from './lifecycle';
export * from './messages';
export * from './parse';
export * from './percentile';
export * from './trace';
