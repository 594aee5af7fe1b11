/** The tool set: real tools every agent may call, and the test-only tools used by scripted scenarios. */
import { calculatorTool } from './calculator';
import { clockTool } from './clock';
import { createDocsSearchTool, type DocsIndex } from './docs-search';
import { failTool, sleepTool } from './test-tools';
import type { ToolDefinition } from './tool';

export { createDocsIndex, type DocsIndex, loadDocs } from './docs-search';
export type { ToolDefinition } from './tool';

export function createDefaultTools(docsIndex: DocsIndex): ToolDefinition[] {
  return [calculatorTool, createDocsSearchTool(docsIndex), clockTool];
}

export const testTools: ToolDefinition[] = [sleepTool, failTool];
