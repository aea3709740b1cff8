/**
 * Generate the reference docs from metadata: docs/reference/{checks,config,cli}.md.
 * `npm run docs` writes them; scripts/gen-docs.test.ts fails when the committed ones are stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigMarkdown } from '#core';
import { renderChecksMarkdown } from '#posture';
import { renderCliMarkdown } from '../src/cli/help.ts';

export const GENERATED_DOCS: Readonly<Record<string, () => string>> = {
  'docs/reference/checks.md': renderChecksMarkdown,
  'docs/reference/config.md': renderConfigMarkdown,
  'docs/reference/cli.md': renderCliMarkdown,
};

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [path, render] of Object.entries(GENERATED_DOCS)) {
    writeFileSync(`${ROOT}${path}`, render());
    console.log(`wrote ${path}`);
  }
}
