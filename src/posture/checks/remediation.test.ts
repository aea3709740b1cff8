/**
 * Meta-test for remediation (issue 6, item 4): every Azure, ARO and OpenShift cluster check says
 * what to change and gives a command exact enough to run, and an ARM merge patch where PATCH can
 * change the property (or steps that say why not and what to do instead).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { AzureView, Remediation } from '#core';
import { azureRemediation } from '../evaluate.ts';
import { type AnyCheck, CHECK_GROUPS } from './index.ts';

/** The placeholders `azureRemediation` fills in from the resource. */
const KNOWN_PLACEHOLDERS = new Set(['name', 'resourceGroup', 'subscriptionId', 'id', 'parentName']);
/** `{identifier}`: a placeholder (JSON objects in a command start with a quote, not a letter). */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;
/** `<user-supplied-value>` that the user replaces by hand. */
const USER_VALUE = /<[^<>\s]+>/g;
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

const azureGroups = Object.entries(CHECK_GROUPS).filter(([group]) => group.startsWith('azure/'));
const openshiftClusterChecks = CHECK_GROUPS['openshift/cluster'] ?? [];

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
const RESOURCE_GROUP = 'rg-sample';

/** A sample resource of the check's first target type, with every placeholder value known. */
function sampleView(check: AnyCheck): AzureView {
  const target = check.meta.targets[0];
  const type = target !== undefined && 'kind' in target ? target.kind : 'Microsoft.Unknown/things';
  const [namespace, ...types] = type.split('/');
  const child = types.length > 1;
  const name = child ? 'parent1/res1' : 'res1';
  const path = types.map((t, i) => `${t}/${child && i === 0 ? 'parent1' : 'res1'}`).join('/');
  const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/${namespace}/${path}`;
  return {
    id,
    type,
    name,
    subscriptionId: SUBSCRIPTION,
    resourceGroup: RESOURCE_GROUP,
    location: 'westeurope',
    ...(child
      ? {
          parent: {
            type: `${namespace}/${types[0]}`,
            name: 'parent1',
            id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/${namespace}/${types[0]}/parent1`,
          },
        }
      : {}),
    arm: { properties: {} },
    origin: 'export',
  };
}

function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

function userValues(text: string): string[] {
  return [...new Set([...text.matchAll(USER_VALUE)].map((m) => m[0]))];
}

function assertSteps(remediation: Remediation, label: string): void {
  for (const step of remediation.steps ?? []) {
    assert.ok(step.trim().length > 0, `${label}: empty step`);
  }
}

/** Every `<value>` in the text is explained in the steps. */
function assertUserValuesExplained(text: string, remediation: Remediation, label: string): void {
  const steps = (remediation.steps ?? []).join('\n');
  for (const value of userValues(text)) {
    assert.ok(steps.includes(value), `${label}: ${value} is not explained in remediation.steps`);
  }
}

describe('remediation of Azure and ARO checks', () => {
  for (const [group, checks] of azureGroups) {
    for (const check of checks) {
      const { id, slug, remediation } = check.meta;
      const label = `${id} ${slug}`;
      describe(`${group}: ${label}`, () => {
        it('has a summary', () => {
          assert.ok(remediation.summary.trim().length > 0, `${label}: no summary`);
          assertSteps(remediation, label);
        });

        it('has an az command with known placeholders and explained user values', () => {
          const cli = remediation.azureCli;
          assert.ok(cli, `${label}: no azureCli`);
          assert.ok(cli.startsWith('az '), `${label}: azureCli does not start with "az ": ${cli}`);
          for (const key of placeholders(cli)) {
            assert.ok(KNOWN_PLACEHOLDERS.has(key), `${label}: unknown placeholder {${key}} in azureCli`);
          }
          assertUserValuesExplained(cli, remediation, `${label} azureCli`);
        });

        it('has an ARM merge patch with its API version, or steps that say why not', () => {
          const patch = remediation.armPatch;
          if (patch === undefined) {
            assert.ok(
              (remediation.steps ?? []).length > 0,
              `${label}: no armPatch and no steps saying why (create-time only, child resource, separate resource, DELETE)`,
            );
            return;
          }
          for (const key of placeholders(patch)) {
            assert.ok(KNOWN_PLACEHOLDERS.has(key), `${label}: unknown placeholder {${key}} in armPatch`);
          }
          assertUserValuesExplained(patch, remediation, `${label} armPatch`);
          const rendered = azureRemediation(remediation, sampleView(check)).armPatch ?? '';
          let body: unknown;
          assert.doesNotThrow(() => {
            body = JSON.parse(rendered);
          }, `${label}: armPatch is not JSON: ${rendered}`);
          assert.ok(
            typeof body === 'object' && body !== null && !Array.isArray(body),
            `${label}: armPatch is not a JSON object`,
          );
          assert.ok(remediation.armApiVersion, `${label}: armPatch without armApiVersion`);
          assert.match(remediation.armApiVersion, API_VERSION, `${label}: armApiVersion`);
        });

        it('renders without leftover placeholders for a resource with id, name, group and subscription', () => {
          const rendered = azureRemediation(remediation, sampleView(check));
          for (const [field, text] of [
            ['azureCli', rendered.azureCli],
            ['armPatch', rendered.armPatch],
          ] as const) {
            if (text !== undefined) {
              assert.deepEqual(placeholders(text), [], `${label}: ${field} keeps placeholders: ${text}`);
            }
          }
        });

        if (remediation.command !== undefined) {
          it('has an oc command', () => {
            assert.ok(remediation.command?.startsWith('oc '), `${label}: command does not start with "oc "`);
          });
        }
      });
    }
  }
});

describe('remediation of OpenShift cluster checks', () => {
  it('the group is not empty', () => {
    assert.ok(openshiftClusterChecks.length > 0);
  });

  for (const check of openshiftClusterChecks) {
    const { id, slug, remediation } = check.meta;
    const label = `${id} ${slug}`;
    it(`${label}: summary, and an oc command or a valid YAML object patch`, () => {
      assert.ok(remediation.summary.trim().length > 0, `${label}: no summary`);
      assertSteps(remediation, label);
      const { command, kubernetesPatch, azureCli } = remediation;
      assert.ok(
        command !== undefined || kubernetesPatch !== undefined,
        `${label}: neither command nor kubernetesPatch`,
      );
      if (command !== undefined) {
        assert.ok(command.startsWith('oc '), `${label}: command does not start with "oc ": ${command}`);
      }
      if (kubernetesPatch !== undefined) {
        let patch: unknown;
        assert.doesNotThrow(() => {
          patch = parseYaml(kubernetesPatch);
        }, `${label}: kubernetesPatch is not YAML`);
        assert.ok(
          typeof patch === 'object' && patch !== null && !Array.isArray(patch),
          `${label}: kubernetesPatch is not a YAML mapping`,
        );
      }
      if (azureCli !== undefined) {
        assert.ok(azureCli.startsWith('az '), `${label}: azureCli does not start with "az "`);
        assertUserValuesExplained(azureCli, remediation, `${label} azureCli`);
      }
    });
  }
});
