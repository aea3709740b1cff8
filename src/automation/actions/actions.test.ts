/**
 * Meta-test of the actions (CONVENTIONS: one file per action, listed in its provider's index, with
 * its test next to it and an example automation in docs/automation/examples that loads).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAutomationRules } from '../rules.ts';
import { actionRegistry } from './index.ts';

const HERE = new URL('.', import.meta.url).pathname;
const EXAMPLES = new URL('../../../docs/automation/examples/', import.meta.url).pathname;

describe('action registry', () => {
  it('lists every action file of every provider folder, and nothing else', () => {
    const files = ['kubernetes', 'azure', 'notify'].flatMap((provider) =>
      readdirSync(join(HERE, provider))
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts')
        .filter((f) => /defineAction(<\w+>)?\(/.test(readFileSync(join(HERE, provider, f), 'utf8')))
        .map((f) => `${provider}:${f.replace(/\.ts$/, '')}`),
    );
    assert.deepEqual(actionRegistry.items.map((a) => a.meta.id).sort(), files.sort());
  });

  for (const action of actionRegistry.items) {
    const { id, provider, slug } = action.meta;
    it(`${id} has its test and a documented example that loads`, () => {
      assert.ok(existsSync(join(HERE, provider, `${slug}.test.ts`)), `${provider}/${slug}.test.ts is missing`);
      const example = join(EXAMPLES, `${slug}.yaml`);
      assert.ok(existsSync(example), `docs/automation/examples/${slug}.yaml is missing`);
      const rules = parseAutomationRules(readFileSync(example, 'utf8'), example);
      assert.ok(
        rules.automations.some((a) => a.steps.some((s) => s.action.meta.id === id)),
        `the example does not use ${id}`,
      );
    });
    it(`${id} declares what it needs`, () => {
      if (provider === 'kubernetes') assert.ok((action.meta.permissions.kubernetes ?? []).length > 0);
      if (provider === 'azure') assert.ok((action.meta.permissions.azure ?? []).length > 0);
      if (provider === 'notify') assert.deepEqual(action.meta.permissions, {});
    });
  }
});
