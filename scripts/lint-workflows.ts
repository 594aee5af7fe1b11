/**
 * YAML lint for .github/workflows: strict parsing (no duplicate keys, no
 * warnings) and the shape GitHub needs (name, on, jobs with runs-on and steps
 * that each `run` or `uses`). Part of `npm run lint`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { describeIssues } from '../protocol/parse';

const WORKFLOWS_DIR = '.github/workflows';

const step = z.union([
  z.object({ run: z.string().min(1) }).loose(),
  z.object({ uses: z.string().regex(/^[\w.-]+\/[\w.-]+@[\w.-]+$/, 'uses must be owner/repo@ref') }).loose(),
]);
const workflow = z
  .object({
    name: z.string().min(1),
    on: z.union([z.string(), z.array(z.string()), z.record(z.string(), z.unknown())]),
    jobs: z.record(z.string(), z.object({ 'runs-on': z.string().min(1), steps: z.array(step).min(1) }).loose()),
  })
  .loose();

function lint(file: string): string[] {
  const document = parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: true, prettyErrors: true });
  const problems = [...document.errors, ...document.warnings].map((issue) => issue.message);
  if (problems.length > 0) return problems;
  const parsed = workflow.safeParse(document.toJS());
  return parsed.success ? [] : [describeIssues(parsed.error)];
}

const files = readdirSync(WORKFLOWS_DIR).filter((file) => /\.ya?ml$/.test(file));
let failed = 0;
for (const file of files) {
  const problems = lint(path.join(WORKFLOWS_DIR, file));
  for (const problem of problems) console.error(`${WORKFLOWS_DIR}/${file}: ${problem}`);
  failed += problems.length > 0 ? 1 : 0;
}
console.log(`lint-workflows: ${files.length - failed} of ${files.length} workflow file(s) valid`);
if (failed > 0 || files.length === 0) process.exit(1);
