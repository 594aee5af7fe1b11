/**
 * Scenario files: scripted runs defined as data (`server/scenarios/*.json`),
 * selected by `/scenario <name> [args]`. This module validates and loads them
 * and binds a scenario's parameters to the user's arguments.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../../protocol';

const PARAM_REF = /^\$([a-zA-Z]\w*)$/;
const paramRef = z.string().regex(PARAM_REF, 'must be a number or a "$param" reference');

/** Steps are checked twice: as written (numbers may be `$param`), then once bound. */
function stepSchema<N extends z.ZodType>(num: N) {
  const toolCall = z.strictObject({ tool: z.string().min(1), args: z.record(z.string(), z.unknown()).optional() });
  return z.union([
    z.strictObject({ think: z.string().min(1), pauseMs: num.optional() }),
    toolCall,
    z.strictObject({ parallel: z.array(toolCall).min(1) }),
    z.strictObject({ say: z.string().min(1), wordsPerDelta: num.optional(), pauseMs: num.optional() }),
    z.strictObject({ burst: num, text: z.string().optional() }),
    // A steady stream: `stream` deltas at `perSecond` (0: as fast as the event loop allows, yielding between chunks).
    z.strictObject({ stream: num, perSecond: num.optional(), text: z.string().optional() }),
    z.strictObject({ pause: num }),
    z.strictObject({ fail: z.string().min(1) }),
  ]);
}

const writtenNumber = z.union([z.number().int().nonnegative(), paramRef]);
const boundNumber = z.number().int().nonnegative();

const paramSchema = z
  .strictObject({
    default: z.number().int(),
    min: z.number().int(),
    max: z.number().int(),
    description: z.string().optional(),
  })
  .refine((p) => p.min <= p.default && p.default <= p.max, 'default must lie within min..max');

const scenarioFileSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().min(1),
  /** Named integer parameters, bound from `/scenario name 10 other=20`. */
  params: z.record(z.string().regex(/^[a-zA-Z]\w*$/), paramSchema).default({}),
  steps: z.array(stepSchema(writtenNumber)).min(1),
});

const boundStepSchema = stepSchema(boundNumber);
export type ScenarioStep = z.infer<typeof boundStepSchema>;
type ScenarioFile = z.infer<typeof scenarioFileSchema>;

export interface Scenario extends ScenarioFile {
  name: string;
}

/** A scenario that cannot be loaded or bound; the message says what and where. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** Validates one scenario's JSON, including that every `$param` is declared. */
export function parseScenario(name: string, json: unknown): Scenario {
  const parsed = scenarioFileSchema.safeParse(json);
  if (!parsed.success) throw new ScenarioError(`scenario "${name}": ${describeIssues(parsed.error)}`);
  for (const ref of collectRefs(parsed.data.steps)) {
    if (!(ref in parsed.data.params)) throw new ScenarioError(`scenario "${name}": "$${ref}" is not a declared param`);
  }
  return { name, ...parsed.data };
}

/** Loads every `*.json` in `dir`, keyed by file name without extension. */
export async function loadScenarios(dir: string): Promise<Map<string, Scenario>> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
  const scenarios = new Map<string, Scenario>();
  for (const file of files) {
    const name = path.basename(file, '.json');
    const text = await readFile(path.join(dir, file), 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ScenarioError(`scenario "${name}": ${file} is not valid JSON (${(error as Error).message})`);
    }
    scenarios.set(name, parseScenario(name, json));
  }
  return scenarios;
}

/**
 * Binds arguments (`["5000"]` or `["count=5000"]`; positional follow the
 * declaration order of params) and returns the steps with numbers filled in.
 */
export function bindScenario(scenario: Scenario, args: readonly string[]): ScenarioStep[] {
  const names = Object.keys(scenario.params);
  const values = new Map(Object.entries(scenario.params).map(([key, param]) => [key, param.default]));
  args.forEach((arg, index) => {
    const [key, raw] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [names[index], arg];
    if (key === undefined) throw new ScenarioError(`scenario "${scenario.name}" takes ${names.length} argument(s)`);
    const param = scenario.params[key];
    if (!param) throw new ScenarioError(`scenario "${scenario.name}" has no param "${key}"`);
    const value = Number(raw);
    if (!Number.isInteger(value) || value < param.min || value > param.max) {
      throw new ScenarioError(`${key} must be an integer from ${param.min} to ${param.max}, got "${raw}"`);
    }
    values.set(key, value);
  });
  const bound = substitute(scenario.steps, values);
  const parsed = z.array(boundStepSchema).safeParse(bound);
  if (!parsed.success) throw new ScenarioError(`scenario "${scenario.name}": ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function substitute(value: unknown, values: ReadonlyMap<string, number>): unknown {
  if (typeof value === 'string') {
    const ref = PARAM_REF.exec(value);
    if (ref?.[1] !== undefined && values.has(ref[1])) return values.get(ref[1]);
    return value.replace(/\{([a-zA-Z]\w*)\}/g, (match, key: string) => String(values.get(key) ?? match));
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, values));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, values)]));
  }
  return value;
}

function collectRefs(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    const ref = PARAM_REF.exec(value)?.[1];
    if (ref) found.add(ref);
  } else if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) collectRefs(item, found);
  }
  return found;
}
