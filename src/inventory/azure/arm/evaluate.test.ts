import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUnresolved, type Unresolved } from '#core';
import { displayValue, evaluateExpression, evaluateValue, TemplateState } from './evaluate.ts';
import { DEFAULT_CONTEXT } from './functions.ts';

function unresolved(value: unknown): Unresolved {
  assert.ok(isUnresolved(value), `expected an Unresolved, got ${JSON.stringify(value)}`);
  return value;
}

function state(sections: {
  parameters?: unknown;
  given?: Record<string, unknown>;
  variables?: unknown;
  functions?: unknown;
}) {
  return new TemplateState({
    declarations: sections.parameters,
    given: sections.given ?? {},
    variables: sections.variables,
    functions: sections.functions,
    deployment: { context: DEFAULT_CONTEXT, deploymentName: 'deployment', scope: 'resourceGroup' },
  });
}

describe('evaluateValue: JSON trees', () => {
  it('evaluates every string expression in objects and arrays, leaving other values alone', () => {
    const { value, diagnostics } = evaluateValue(
      {
        name: "[concat(parameters('prefix'), '-app')]",
        count: 3,
        enabled: true,
        nothing: null,
        list: ["[toUpper('a')]", 'plain', ['[add(1, 2)]']],
        escaped: '[[this is not evaluated]',
      },
      { parameters: { prefix: 'shop' } },
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, {
      name: 'shop-app',
      count: 3,
      enabled: true,
      nothing: null,
      list: ['A', 'plain', [3]],
      escaped: '[this is not evaluated]',
    });
  });

  it('turns property copy loops into arrays named after the loop', () => {
    const { value, diagnostics } = evaluateValue({
      storageProfile: {
        copy: [
          {
            name: 'dataDisks',
            count: 3,
            input: {
              lun: "[copyIndex('dataDisks')]",
              diskSizeGB: 1023,
              name: "[format('disk{0}', copyIndex('dataDisks', 1))]",
            },
          },
        ],
        osDisk: { createOption: 'FromImage' },
      },
    });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(value, {
      storageProfile: {
        osDisk: { createOption: 'FromImage' },
        dataDisks: [
          { lun: 0, diskSizeGB: 1023, name: 'disk1' },
          { lun: 1, diskSizeGB: 1023, name: 'disk2' },
          { lun: 2, diskSizeGB: 1023, name: 'disk3' },
        ],
      },
    });
  });

  it('a property copy loop with an unknown count becomes an Unresolved property with a warning', () => {
    const { value, diagnostics } = evaluateValue({
      rules: 'x',
      copy: [{ name: 'items', count: "[length(reference('r').list)]", input: "[copyIndex('items')]" }],
    });
    const items = unresolved((value as Record<string, unknown>).items);
    assert.equal(items.expression, "copy loop 'items'");
    assert.equal(
      items.reason,
      'the number of elements is unknown: reference() reads the runtime state of a deployed resource',
    );
    assert.deepEqual(diagnostics, [
      {
        level: 'warning',
        message:
          "the count of property copy loop 'items' cannot be evaluated offline: reference() reads the runtime state of a deployed resource",
        pointer: ['copy', 0, 'count'],
      },
    ]);
  });

  it('a hostile property copy count is an error and no elements are built', () => {
    const { value, diagnostics } = evaluateValue({ copy: [{ name: 'many', count: 100000, input: 'x' }] });
    assert.equal(unresolved((value as Record<string, unknown>).many).reason, 'the copy loop is invalid');
    assert.deepEqual(diagnostics, [
      {
        level: 'error',
        message: "the count of property copy loop 'many' is 100000, above ARM's limit of 800: the loop is skipped",
        pointer: ['copy', 0, 'count'],
      },
    ]);
  });

  it('leaves an object property named copy alone when it is not a loop', () => {
    const { value } = evaluateValue({ copy: 'just a value', other: 1 });
    assert.deepEqual(value, { copy: 'just a value', other: 1 });
  });

  it('reports errors at the pointer of the value and keeps going', () => {
    const { value, diagnostics } = evaluateValue({ a: '[div(1, 0)]', b: ['ok', "[concat('x'"], c: '[concat(1, 2)]' });
    const v = value as Record<string, unknown>;
    assert.equal(unresolved(v.a).reason, 'evaluation error: div(): division by zero');
    assert.equal(v.c, '12');
    assert.equal((v.b as unknown[])[0], 'ok');
    assert.deepEqual(diagnostics, [{ level: 'error', message: 'div(): division by zero', pointer: ['a'] }]);
    // "[concat('x'" does not end with ']': a literal, not a broken expression.
    assert.equal((v.b as unknown[])[1], "[concat('x'");
    const broken = evaluateValue({ name: "[concat('x']" });
    assert.deepEqual(broken.diagnostics, [
      {
        level: 'error',
        message: "invalid expression: missing ')' to close the call of 'concat' at offset 11",
        pointer: ['name'],
      },
    ]);
    assert.equal(unresolved((broken.value as Record<string, unknown>).name).expression, "concat('x'");
  });

  it('bounds the depth of the value tree', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 150; i++) deep = [deep];
    const { diagnostics } = evaluateValue(deep);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.message, 'value nested deeper than 100 levels');
  });
});

describe('variables', () => {
  it('are evaluated lazily: an unused broken variable reports nothing', () => {
    const variables = { broken: '[div(1, 0)]', fine: "[toUpper('ok')]" };
    assert.deepEqual(evaluateExpression("variables('fine')", { variables }), { value: 'OK', diagnostics: [] });
  });

  it('report their own errors once, at the variable pointer', () => {
    const variables = { broken: '[div(1, 0)]' };
    const { value, diagnostics } = evaluateValue(["[variables('broken')]", "[variables('broken')]"], { variables });
    assert.equal(unresolved((value as unknown[])[0]).reason, 'evaluation error: div(): division by zero');
    assert.deepEqual(diagnostics, [
      { level: 'error', message: 'div(): division by zero', pointer: ['variables', 'broken'] },
    ]);
  });

  it('detect cycles: a diagnostic and an Unresolved, no hang', () => {
    const variables = { a: "[concat('x', variables('b'))]", b: "[variables('c')]", c: "[variables('a')]" };
    const { value, diagnostics } = evaluateExpression("variables('a')", { variables });
    const u = unresolved(value);
    assert.equal(displayValue(u), "x<variables('a')>");
    assert.equal(u.reason, 'circular reference: a → b → c → a');
    assert.deepEqual(diagnostics, [
      { level: 'error', message: 'circular reference: a → b → c → a', pointer: ['variables', 'a'] },
    ]);
  });

  it('bound long reference chains', () => {
    const variables: Record<string, string> = { v0: 'end' };
    for (let i = 1; i <= 200; i++) variables[`v${i}`] = `[variables('v${i - 1}')]`;
    const { value, diagnostics } = evaluateExpression("variables('v200')", { variables });
    assert.ok(isUnresolved(value));
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ['references nested deeper than 64 levels'],
    );
    const short = evaluateExpression("variables('v30')", { variables });
    assert.deepEqual(short, { value: 'end', diagnostics: [] });
  });

  it('variables.copy builds arrays, with copyIndex of the loop name', () => {
    const variables = {
      copy: [
        { name: 'disks', count: 3, input: { name: "[concat('myDataDisk', copyIndex('disks', 1))]", diskSizeGB: '1' } },
        { name: 'numbers', count: '[length(range(0, 4))]', input: "[mul(copyIndex('numbers'), 10)]" },
      ],
      total: "[length(variables('disks'))]",
    };
    assert.deepEqual(evaluateExpression("variables('disks')", { variables }).value, [
      { name: 'myDataDisk1', diskSizeGB: '1' },
      { name: 'myDataDisk2', diskSizeGB: '1' },
      { name: 'myDataDisk3', diskSizeGB: '1' },
    ]);
    assert.deepEqual(evaluateExpression("variables('numbers')", { variables }).value, [0, 10, 20, 30]);
    assert.equal(evaluateExpression("variables('total')", { variables }).value, 3);
  });

  it('unknown variable names are errors', () => {
    const { diagnostics } = evaluateExpression("variables('nope')");
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ["variables(): the variable 'nope' is not declared"],
    );
  });
});

describe('parameters', () => {
  it('given value > default (evaluated, may use other parameters) > Unresolved', () => {
    const s = state({
      parameters: {
        prefix: { type: 'string', defaultValue: 'app' },
        name: { type: 'string', defaultValue: "[concat(parameters('prefix'), '-web')]" },
        secret: { type: 'securestring' },
        optional: { type: 'string', nullable: true },
      },
      given: { PREFIX: 'shop' },
    });
    assert.equal(s.parameterValue('prefix'), 'shop');
    assert.equal(s.parameterValue('Name'), 'shop-web');
    const secret = unresolved(s.parameterValue('secret'));
    assert.equal(secret.expression, "parameters('secret')");
    assert.equal(secret.reason, "parameter 'secret' has no value and no default");
    assert.equal(s.parameterValue('optional'), null);
  });

  it('given values are literal, never evaluated', () => {
    const { value } = evaluateExpression("parameters('p')", { parameters: { p: "[concat('not', 'evaluated')]" } });
    assert.equal(value, "[concat('not', 'evaluated')]");
  });

  it('default values that refer to each other are a cycle, reported once', () => {
    const s = state({
      parameters: {
        a: { type: 'string', defaultValue: "[parameters('b')]" },
        b: { type: 'string', defaultValue: "[parameters('a')]" },
      },
    });
    assert.ok(isUnresolved(s.parameterValue('a')));
    assert.ok(isUnresolved(s.parameterValue('b')));
    assert.deepEqual(s.diagnostics, [
      { level: 'error', message: 'circular reference: a → b → a', pointer: ['parameters', 'a'] },
    ]);
  });
});

describe('scopes', () => {
  it('copyIndex() without a name reads the resource loop, with a name the named loop', () => {
    const s = state({});
    const scope = s.scope().withCopy('vmLoop', 2, 'resource').withCopy('disks', 1, 'named');
    assert.equal(scope.evaluate('[copyIndex()]', []), 2);
    assert.equal(scope.evaluate("[copyIndex('disks', 10)]", []), 11);
    assert.equal(scope.evaluate("[copyIndex('VMLOOP')]", []), 2);
    assert.ok(isUnresolved(scope.evaluate("[copyIndex('other')]", [])));
    assert.deepEqual(
      s.diagnostics.map((d) => d.message),
      ["copyIndex(): there is no copy loop named 'other' here"],
    );
  });

  it('an unknown copy index makes names partly known', () => {
    const s = state({});
    const scope = s.scope().withCopy('loop', unresolved(evaluateExpression('reference(1)').value), 'resource');
    assert.equal(displayValue(scope.evaluate("[concat('vm-', copyIndex(1))]", [])), 'vm-<copyIndex(1)>');
  });
});

describe('user-defined functions', () => {
  const functions = [
    {
      namespace: 'contoso',
      members: {
        uniqueName: {
          parameters: [{ name: 'namePrefix', type: 'string' }],
          output: {
            type: 'string',
            value: "[concat(toLower(parameters('namePrefix')), uniqueString(resourceGroup().id))]",
          },
        },
        sum: {
          parameters: [
            { name: 'a', type: 'int' },
            { name: 'b', type: 'int' },
          ],
          output: { type: 'int', value: "[add(parameters('a'), parameters('b'))]" },
        },
        readsVariable: { parameters: [], output: { type: 'string', value: "[variables('v')]" } },
      },
    },
  ];

  it('evaluates the output with the function parameters', () => {
    assert.equal(evaluateExpression('contoso.sum(2, 3)', { functions }).value, 5);
    assert.equal(evaluateExpression('Contoso.Sum(contoso.sum(1, 1), 1)', { functions }).value, 3);
    const name = evaluateExpression("contoso.uniqueName('Store')", {
      functions,
      parameters: { namePrefix: 'ignored' },
    });
    assert.equal(displayValue(name.value), 'store<uniqueString(resourceGroup().id)>');
  });

  it('cannot read template variables; wrong argument counts and unknown functions are errors', () => {
    const r = evaluateExpression('contoso.readsVariable()', { functions, variables: { v: 'x' } });
    assert.equal(unresolved(r.value).expression, 'contoso.readsVariable()');
    assert.deepEqual(r.diagnostics, [
      {
        level: 'error',
        message: 'variables(): user-defined functions cannot use variables',
        pointer: ['functions', 0, 'members', 'readsVariable', 'output', 'value'],
      },
    ]);
    assert.deepEqual(
      evaluateExpression('contoso.sum(1)', { functions }).diagnostics.map((d) => d.message),
      ['contoso.sum() expects 2 argument(s), got 1'],
    );
    assert.deepEqual(
      evaluateExpression('other.fn()', { functions }).diagnostics.map((d) => d.message),
      ["unknown user-defined function 'other.fn'"],
    );
  });

  it('bounds recursion through user-defined functions', () => {
    const recursive = [
      { namespace: 'r', members: { loop: { parameters: [], output: { type: 'int', value: '[r.loop()]' } } } },
    ];
    const { value, diagnostics } = evaluateExpression('r.loop()', { functions: recursive });
    assert.ok(isUnresolved(value));
    assert.ok(diagnostics.some((d) => d.message === 'user-defined functions nested deeper than 16 levels'));
  });
});
