import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '#core';
import { loadPolicies } from './load.ts';

const FIX = fileURLToPath(new URL('../../../test/fixtures/admission/vap/', import.meta.url));

describe('loadPolicies', () => {
  it('loads policies, bindings and parameter objects from a directory of YAML files', async () => {
    const { value, diagnostics } = await loadPolicies([`${FIX}policies`]);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual([...value.policies.keys()].sort(), [
      'deny-privileged.palisade.io',
      'image-registry.palisade.io',
      'memory-limit.palisade.io',
      'no-host-path.palisade.io',
      'no-shell-exec.palisade.io',
      'replica-audit.palisade.io',
      'replica-limit.palisade.io',
      'required-labels.palisade.io',
      'scale-limit.palisade.io',
    ]);
    assert.equal(value.bindings.length, 9);
    assert.deepEqual(
      value.objects.map((o) => `${o.kind}/${o.namespace ?? ''}/${o.name}`),
      [
        'ConfigMap/team-a/registry',
        'ConfigMap/team-b/unrelated',
        'Namespace//default',
        'Namespace//team-a',
        'Namespace//team-b',
        'ReplicaLimit//replica-limit-test',
      ],
    );
    const privileged = value.policies.get('deny-privileged.palisade.io');
    assert.deepEqual(
      privileged?.variables.map((v) => v.name),
      ['allContainers', 'privileged'],
    );
  });

  it('refuses each broken policy or binding with file, line, expression and CEL error, and keeps the rest', async () => {
    const { value, diagnostics } = await loadPolicies([`${FIX}broken`]);
    const file = (name: string) => `${FIX}broken/${name}`;
    assert.deepEqual(diagnostics, [
      {
        level: 'error',
        code: 'vap.compile',
        message:
          'ValidatingAdmissionPolicy "bad-message.palisade.io": spec.validations[0].messageExpression: CEL expression has type int, expected string; the policy was not loaded',
        location: { file: file('bad-message-type.json'), line: 12, path: 'spec.validations[0].messageExpression' },
      },
      {
        level: 'error',
        code: 'vap.compile',
        message:
          'ValidatingAdmissionPolicy "broken-syntax.palisade.io": spec.validations[1].expression: CEL syntax error: Expected RPAREN, got EOF; the policy was not loaded',
        location: { file: file('policies.yaml'), line: 16, path: 'spec.validations[1].expression' },
      },
      {
        level: 'error',
        code: 'vap.compile',
        message:
          'ValidatingAdmissionPolicy "undeclared-variable.palisade.io": spec.variables[0].expression: variables.second is not declared (before this expression); the policy was not loaded',
        location: { file: file('policies.yaml'), line: 31, path: 'spec.variables[0].expression' },
      },
      {
        level: 'error',
        code: 'vap.invalid',
        message:
          'ValidatingAdmissionPolicyBinding "no-actions" is invalid at spec.validationActions: Too small: expected array to have >=1 items; it was not loaded',
        location: { file: file('policies.yaml'), line: 37, path: 'spec.validationActions' },
      },
    ]);
    assert.deepEqual([...value.policies.keys()], ['valid.palisade.io']);
    assert.deepEqual(
      value.bindings.map((b) => b.name),
      ['valid'],
    );
  });

  it('throws InputError for a path that does not exist', async () => {
    await assert.rejects(loadPolicies([`${FIX}missing`]), InputError);
  });
});
