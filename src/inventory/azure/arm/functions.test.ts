import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUnresolved, Unresolved } from '#core';
import { type EvaluateOptions, evaluateExpression } from './evaluate.ts';
import {
  arityError,
  DEFAULT_CONTEXT,
  deepEqual,
  displayValue,
  FUNCTION_NAMES,
  isPartialString,
  lookupFunction,
} from './functions.ts';

const SUB = '00000000-0000-0000-0000-000000000000';
const RG_ID = `/subscriptions/${SUB}/resourceGroups/resource-group`;

/** Evaluate an expression that must evaluate without diagnostics. */
function ev(expression: string, options?: EvaluateOptions): unknown {
  const result = evaluateExpression(expression, options);
  assert.deepEqual(result.diagnostics, [], `${expression}: ${JSON.stringify(result.diagnostics)}`);
  return result.value;
}

/** Evaluate an expression that must fail: returns the error message (the value is an Unresolved). */
function evError(expression: string, options?: EvaluateOptions): string {
  const result = evaluateExpression(expression, options);
  assert.ok(isUnresolved(result.value), `${expression} should be unresolved`);
  assert.equal(result.diagnostics.length, 1, JSON.stringify(result.diagnostics));
  assert.equal(result.diagnostics[0]!.level, 'error');
  return result.diagnostics[0]!.message;
}

function unresolved(value: unknown): Unresolved {
  assert.ok(isUnresolved(value), `expected an Unresolved, got ${JSON.stringify(value)}`);
  return value;
}

describe('function table', () => {
  it('looks names up case-insensitively and maps every list* function to one entry', () => {
    assert.equal(lookupFunction('CONCAT'), lookupFunction('concat'));
    assert.equal(lookupFunction('listKeys'), lookupFunction('listAccountSas'));
    assert.equal(lookupFunction('noSuchFunction'), undefined);
    assert.ok(FUNCTION_NAMES.includes('list*'));
    assert.ok(FUNCTION_NAMES.includes('resourceid'));
  });

  it('checks arity with a clear message', () => {
    assert.equal(arityError(lookupFunction('if')!, 'if', 2), 'if() expects 3 argument(s), got 2');
    assert.equal(arityError(lookupFunction('concat')!, 'concat', 0), 'concat() expects at least 1 argument(s), got 0');
    assert.equal(
      arityError(lookupFunction('substring')!, 'substring', 4),
      'substring() expects 1 to 3 argument(s), got 4',
    );
    assert.equal(arityError(lookupFunction('substring')!, 'substring', 2), undefined);
    assert.equal(evError("toLower('A', 'B')"), 'toLower() expects 1 argument(s), got 2');
  });

  it('reports unknown functions', () => {
    assert.equal(evError('frobnicate(1)'), "unknown function 'frobnicate'");
  });
});

describe('string functions', () => {
  it('concat joins strings (and integers) or arrays', () => {
    assert.equal(ev("concat('vm-', 'web', 1)"), 'vm-web1');
    assert.deepEqual(ev("concat(createArray(1, 2), createArray('a'))"), [1, 2, 'a']);
    assert.equal(
      evError("concat('a', createObject('k', 1))"),
      'concat(): argument 2 must be a String, Integer or Boolean, got Object',
    );
  });

  it('format follows .NET composite formatting (docs example with {2:N0})', () => {
    assert.equal(
      ev("format('{0}, {1}. Formatted number: {2:N0}', 'Hello', 'User', 8175133)"),
      'Hello, User. Formatted number: 8,175,133',
    );
    assert.equal(ev("format('{0:D3}|{1:X}|{1:x4}|{2:N2}|{3}', 7, 255, 1234, true())"), '007|FF|00ff|1,234.00|True');
    assert.equal(ev("format('{{literal}} {0,5}|{0,-5}|', 'ab')"), '{literal}    ab|ab   |');
    assert.equal(evError("format('{1}', 'only one')"), 'format(): format item {1} has no argument');
  });

  it('contains is case-sensitive for strings and case-insensitive for object keys', () => {
    assert.equal(ev("contains('OneTwoThree', 'e')"), true);
    assert.equal(ev("contains('OneTwoThree', 'one')"), false);
    assert.equal(ev("contains(createObject('One', 'a'), 'one')"), true);
    assert.equal(ev("contains(createArray('one', 'two'), 'two')"), true);
    assert.equal(ev("contains(createArray('one', 'two'), 'TWO')"), false);
  });

  it('indexOf, lastIndexOf, startsWith and endsWith ignore case', () => {
    assert.equal(ev("indexOf('test', 'T')"), 0);
    assert.equal(ev("lastIndexOf('test', 't')"), 3);
    assert.equal(ev("indexOf('abcdef', 'CD')"), 2);
    assert.equal(ev("indexOf('abcdef', 'z')"), -1);
    assert.equal(ev("startsWith('abcdef', 'AB')"), true);
    assert.equal(ev("endsWith('abcdef', 'EF')"), true);
    assert.equal(ev("endsWith('abcdef', 'e')"), false);
  });

  it('replace, split, join, trim, toLower, toUpper', () => {
    assert.equal(ev("replace('123-123-1234', '-', '')"), '1231231234');
    assert.deepEqual(ev("split('one,two;three', createArray(',', ';'))"), ['one', 'two', 'three']);
    assert.deepEqual(ev("split('a,,b', ',')"), ['a', '', 'b']);
    assert.equal(ev("join(createArray('a', 'b', 'c'), '-')"), 'a-b-c');
    assert.equal(ev("trim('  one two  ')"), 'one two');
    assert.equal(ev("toLower('One TWO')"), 'one two');
    assert.equal(ev("toUpper('One two')"), 'ONE TWO');
  });

  it('substring fails outside the string, as the docs describe', () => {
    assert.equal(ev("substring('one two three', 4, 3)"), 'two');
    assert.equal(ev("substring('one two', 4)"), 'two');
    assert.equal(
      evError("substring('1234567890', 0, 11)"),
      'substring(): the index and length must refer to a location within the string (index 0, length 11, string length 10)',
    );
  });

  it('padLeft, first, last, skip, take, length, empty', () => {
    assert.equal(ev("padLeft('123', 10, '0')"), '0000000123');
    assert.equal(ev('padLeft(7, 3)'), '  7');
    assert.equal(evError("padLeft('1', 3, 'ab')"), 'padLeft(): the padding character must be a single character');
    assert.equal(ev("first('One Two')"), 'O');
    assert.equal(ev("last('One Two')"), 'o');
    assert.equal(ev("skip('one two three', 4)"), 'two three');
    assert.deepEqual(ev("take(createArray('one', 'two', 'three'), 2)"), ['one', 'two']);
    assert.equal(ev("take('abc', -1)"), '');
    assert.equal(ev("length('Hello, World!')"), 13);
    assert.equal(ev("length(createObject('a', 1, 'b', 2))"), 2);
    assert.equal(ev("empty('')"), true);
    assert.equal(ev('empty(createArray())'), true);
    assert.equal(ev('empty(null())'), true);
    assert.equal(ev("empty(createObject('a', 1))"), false);
  });

  it('base64, base64ToString, base64ToJson, dataUri', () => {
    assert.equal(ev("base64('one, two, three')"), 'b25lLCB0d28sIHRocmVl');
    assert.equal(ev("base64ToString('b25lLCB0d28sIHRocmVl')"), 'one, two, three');
    assert.deepEqual(ev(`base64ToJson(base64('{''one'': ''a''}'))`), { one: 'a' });
    assert.equal(ev("dataUri('Hello')"), 'data:text/plain;charset=utf8;base64,SGVsbG8=');
    assert.equal(ev("dataUriToString('data:;base64,SGVsbG8sIFdvcmxkIQ==')"), 'Hello, World!');
    assert.equal(evError("base64ToString('not base64!')"), 'base64ToString(): invalid base64 input');
  });

  it('uri follows the documented trailing-slash rules; uriComponent escapes like EscapeDataString', () => {
    assert.equal(ev("uri('http://contoso.org/firstpath', 'myscript.sh')"), 'http://contoso.org/myscript.sh');
    assert.equal(ev("uri('http://contoso.org/firstpath/', 'myscript.sh')"), 'http://contoso.org/firstpath/myscript.sh');
    assert.equal(
      ev("uri('http://contoso.org/firstpath/azuredeploy.json', 'myscript.sh')"),
      'http://contoso.org/firstpath/myscript.sh',
    );
    assert.equal(
      ev("uriComponent('http://contoso.com/resources/nested/azuredeploy.json')"),
      'http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json',
    );
    assert.equal(ev("uriComponent('a (b)!*')"), 'a%20%28b%29%21%2A');
    assert.equal(ev("uriComponentToString('a%20b')"), 'a b');
  });
});

describe('conversions', () => {
  it('string renders objects as compact JSON and booleans as .NET does (True/False)', () => {
    assert.equal(
      ev("string(createObject('valueA', 10, 'valueB', 'Example Text'))"),
      '{"valueA":10,"valueB":"Example Text"}',
    );
    assert.equal(ev("string(createArray('a', 'b', 'c'))"), '["a","b","c"]');
    assert.equal(ev('string(5)'), '5');
    assert.equal(ev('string(true())'), 'True');
  });

  it('int, bool, json, array, createObject, createArray', () => {
    assert.equal(ev("int('4')"), 4);
    assert.equal(evError("int('4.5')"), 'int(): cannot convert String "4.5" to an Integer');
    assert.equal(ev("bool('TRUE')"), true);
    assert.equal(ev('bool(0)'), false);
    assert.deepEqual(ev(`json('{"a": [1, 2]}')`), { a: [1, 2] });
    assert.equal(ev("json('null')"), null);
    assert.deepEqual(ev("json('{''single'': ''quotes''}')"), { single: 'quotes' });
    assert.match(evError("json('{oops')"), /^json\(\): invalid JSON/);
    assert.deepEqual(ev("array('efgh')"), ['efgh']);
    assert.deepEqual(ev('array(createArray(1))'), [1]);
    assert.deepEqual(ev("createObject('intProp', 1, 'boolProp', true())"), { intProp: 1, boolProp: true });
    assert.equal(
      evError("createObject('odd')"),
      'createObject(): expects an even number of arguments (key, value, ...)',
    );
    assert.deepEqual(ev('createArray()'), []);
  });

  it('createObject does not let a __proto__ key change the prototype', () => {
    const value = ev("createObject('__proto__', createObject('polluted', true()))") as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('comparison and logical functions', () => {
  it('equals is deep for arrays and objects and case-sensitive for strings', () => {
    assert.equal(ev("equals(createArray('a', 'b'), createArray('a', 'b'))"), true);
    assert.equal(ev("equals(createObject('a', createArray(1)), json('{\"a\": [1]}'))"), true);
    assert.equal(ev("equals(createObject('a', 1), createObject('a', 2))"), false);
    assert.equal(ev("equals('a', 'A')"), false);
    assert.equal(ev('equals(1, 1)'), true);
    assert.equal(deepEqual({ a: 1, b: 2 }, { b: 2, a: 1 }), true);
  });

  it("less and greater compare strings culture-aware: greater('A', 'a') is true (docs example)", () => {
    assert.equal(ev("greater('A', 'a')"), true);
    assert.equal(ev("greaterOrEquals('A', 'a')"), true);
    assert.equal(ev("less('A', 'a')"), false);
    assert.equal(ev("lessOrEquals('A', 'a')"), false);
    assert.equal(ev('less(1, 2)'), true);
    assert.equal(ev("less('apple', 'Banana')"), true);
    assert.equal(
      evError("less(1, 'a')"),
      'less(): arguments must both be Integers or both Strings, got Integer and String',
    );
  });

  it('if evaluates only the chosen branch', () => {
    assert.equal(ev("if(equals('a', 'a'), 'yes', reference('never').x)"), 'yes');
    assert.equal(ev("if(equals('a', 'b'), div(1, 0), 'no')"), 'no');
    assert.deepEqual(ev(`if(true(), json('{"test": "value1"}'), json('null'))`), { test: 'value1' });
    assert.equal(evError("if('yes', 1, 2)"), 'if(): the condition must be a Boolean, got String');
  });

  it('and/or short-circuit: a determinate false/true wins over an unresolved operand', () => {
    assert.equal(ev("and(bool('true'), bool('false'))"), false);
    assert.equal(ev("or(bool('true'), bool('false'))"), true);
    assert.equal(ev("and(false(), reference('x').enabled)"), false);
    assert.equal(ev("and(reference('x').enabled, false())"), false);
    assert.equal(ev("or(reference('x').enabled, true())"), true);
    const u = unresolved(ev("and(true(), reference('x').enabled)"));
    assert.equal(u.expression, "and(true(), reference('x').enabled)");
    assert.equal(u.reason, 'reference() reads the runtime state of a deployed resource');
    assert.equal(ev('not(equals(1, 2))'), true);
  });

  it('coalesce returns the first non-null; an unresolved value before it makes the result unresolved', () => {
    assert.equal(ev("coalesce(null(), null(), 'default')"), 'default');
    assert.deepEqual(ev('coalesce(null(), createArray(1))'), [1]);
    assert.equal(ev("coalesce('', 'x')"), '');
    assert.equal(ev('coalesce(null(), null())'), null);
    assert.equal(ev("coalesce('first', reference('x'))"), 'first');
    const u = unresolved(ev("coalesce(null(), reference('x').name, 'fallback')"));
    assert.equal(u.expression, "coalesce(null(), reference('x').name, 'fallback')");
  });
});

describe('arrays and objects', () => {
  it('union merges objects, deep-merging nested objects and replacing nested arrays (docs example)', () => {
    const first = { property: { one: 'a', two: 'b', three: 'c1' }, nestedArray: [1, 2] };
    const second = { property: { three: 'c2', four: 'd', five: 'e' }, nestedArray: [3, 4] };
    assert.deepEqual(ev("union(variables('first'), variables('second'))", { variables: { first, second } }), {
      property: { one: 'a', two: 'b', three: 'c2', four: 'd', five: 'e' },
      nestedArray: [3, 4],
    });
  });

  it('union of arrays keeps the first occurrence of each value, nested arrays compared whole', () => {
    assert.deepEqual(ev("union(createArray('one', 'two', 'three'), createArray('three', 'four'))"), [
      'one',
      'two',
      'three',
      'four',
    ]);
    const variables = { a: [['one', 'two'], ['three']], b: [['three'], ['four', 'two']] };
    assert.deepEqual(ev("union(variables('a'), variables('b'))", { variables }), [
      ['one', 'two'],
      ['three'],
      ['four', 'two'],
    ]);
    assert.equal(
      evError("union(createArray(1), createObject('a', 1))"),
      'union(): arguments must all be Arrays or all Objects',
    );
  });

  it('intersection keeps common entries', () => {
    const variables = {
      o1: { one: 'a', two: 'b', three: 'c' },
      o2: { one: 'a', two: 'z', three: 'c' },
    };
    assert.deepEqual(ev("intersection(variables('o1'), variables('o2'))", { variables }), { one: 'a', three: 'c' });
    assert.deepEqual(ev("intersection(createArray('one', 'two', 'three'), createArray('two', 'three'))"), [
      'two',
      'three',
    ]);
  });

  it('range, min, max and the arithmetic functions', () => {
    assert.deepEqual(ev('range(1, 3)'), [1, 2, 3]);
    assert.equal(evError('range(0, 10001)'), 'range(): the count must be between 0 and 10000');
    assert.equal(ev('min(createArray(0, 3, 2, 5, 4))'), 0);
    assert.equal(ev('max(0, 3, 2, 5, 4)'), 5);
    assert.equal(ev('add(5, 3)'), 8);
    assert.equal(ev('sub(7, 3)'), 4);
    assert.equal(ev('mul(5, -3)'), -15);
    assert.equal(ev('div(8, 3)'), 2);
    assert.equal(ev('div(-7, 2)'), -3);
    assert.equal(ev('mod(7, 3)'), 1);
    assert.equal(evError('div(1, 0)'), 'div(): division by zero');
  });

  it('items sorts entries by key; objectKeys and tryGet', () => {
    const variables = { entities: { item002: { enabled: false }, item001: { enabled: true } } };
    assert.deepEqual(ev("items(variables('entities'))", { variables }), [
      { key: 'item001', value: { enabled: true } },
      { key: 'item002', value: { enabled: false } },
    ]);
    assert.deepEqual(ev("objectKeys(variables('entities'))", { variables }), ['item002', 'item001']);
    assert.equal(ev("tryGet(variables('entities'), 'item001', 'enabled')", { variables }), true);
    assert.equal(ev("tryGet(variables('entities'), 'missing', 'enabled')", { variables }), null);
  });

  it('property and index access: case-insensitive names, errors for missing ones', () => {
    const variables = { obj: { Name: 'x', list: [10, 20] } };
    assert.equal(ev("variables('obj').name", { variables }), 'x');
    assert.equal(ev("variables('obj').list[1]", { variables }), 20);
    assert.equal(ev("variables('obj')['list'][0]", { variables }), 10);
    assert.equal(
      evError("variables('obj').missing", { variables }),
      "the property 'missing' does not exist: available properties are Name, list",
    );
    assert.equal(evError("variables('obj').list[2]", { variables }), 'index 2 is out of range (array length 2)');
  });

  it('shallowMerge and flatten (Bicep spread)', () => {
    assert.deepEqual(ev("shallowMerge(createArray(createObject('a', 1, 'b', 1), createObject('b', 2)))"), {
      a: 1,
      b: 2,
    });
    assert.deepEqual(ev('flatten(createArray(createArray(1, 2), createArray(3)))'), [1, 2, 3]);
  });
});

describe('lambda functions', () => {
  const dogs = [
    { name: 'Evie', age: 5 },
    { name: 'Casper', age: 3 },
    { name: 'Indy', age: 2 },
    { name: 'Kira', age: 8 },
  ];
  const options = { variables: { dogs } };

  it('filter, map, reduce, sort, toObject', () => {
    assert.deepEqual(
      ev("filter(variables('dogs'), lambda('dog', greaterOrEquals(lambdaVariables('dog').age, 5)))", options),
      [dogs[0], dogs[3]],
    );
    assert.deepEqual(ev("map(variables('dogs'), lambda('dog', lambdaVariables('dog').name))", options), [
      'Evie',
      'Casper',
      'Indy',
      'Kira',
    ]);
    assert.equal(
      ev(
        "reduce(map(variables('dogs'), lambda('d', lambdaVariables('d').age)), 1, lambda('cur', 'next', add(lambdaVariables('cur'), lambdaVariables('next'))))",
        options,
      ),
      19,
    );
    assert.deepEqual(
      ev(
        "map(sort(variables('dogs'), lambda('a', 'b', less(lambdaVariables('a').age, lambdaVariables('b').age))), lambda('d', lambdaVariables('d').name))",
        options,
      ),
      ['Indy', 'Casper', 'Evie', 'Kira'],
    );
    assert.deepEqual(
      ev(
        "toObject(variables('dogs'), lambda('d', lambdaVariables('d').name), lambda('d', lambdaVariables('d').age))",
        options,
      ),
      { Evie: 5, Casper: 3, Indy: 2, Kira: 8 },
    );
  });

  it('passes the index as the second lambda variable of map and filter', () => {
    assert.deepEqual(
      ev("map(createArray('a', 'b'), lambda('x', 'i', format('{0}{1}', lambdaVariables('x'), lambdaVariables('i'))))"),
      ['a0', 'b1'],
    );
  });

  it('a filter predicate that is unresolved makes the whole result unresolved', () => {
    const u = unresolved(ev("filter(createArray(1, 2), lambda('x', reference('r').enabled))"));
    assert.equal(u.expression, "filter(createArray(1, 2), lambda('x', reference('r').enabled))");
  });

  it('rejects lambdas outside the lambda functions and unknown lambda variables', () => {
    assert.equal(
      evError("length(lambda('x', lambdaVariables('x')))"),
      'length(): a lambda is only accepted by filter, map, reduce, sort, toObject, mapValues and groupBy',
    );
    assert.equal(
      evError("map(createArray(1), lambda('x', lambdaVariables('y')))"),
      "lambdaVariables(): there is no lambda variable 'y' here",
    );
  });
});

describe('deployment stand-ins and resource ids', () => {
  it('resourceGroup(), subscription(), tenant(), environment()', () => {
    assert.equal(ev('resourceGroup().id'), RG_ID);
    assert.equal(ev('resourceGroup().name'), 'resource-group');
    assert.equal(ev('subscription().id'), `/subscriptions/${SUB}`);
    assert.equal(ev('subscription().tenantId'), SUB);
    assert.equal(ev('tenant().id'), `/tenants/${SUB}`);
    assert.equal(ev('environment().name'), 'AzureCloud');
    assert.equal(ev('environment().suffixes.keyvaultDns'), '.vault.azure.net');
    assert.equal(ev('environment().authentication.loginEndpoint'), 'https://login.microsoftonline.com/');
    assert.equal(ev('deployment().name'), 'deployment');
  });

  it('uses the deployment context given', () => {
    const context = { subscriptionId: 'sub-1', resourceGroupName: 'rg-prod', location: 'westeurope' };
    assert.equal(ev('resourceGroup().id', { context }), '/subscriptions/sub-1/resourceGroups/rg-prod');
    assert.equal(ev('resourceGroup().location', { context }), 'westeurope');
  });

  it('resourceGroup().location is unresolved by default', () => {
    const u = unresolved(ev('resourceGroup().location'));
    assert.equal(u, DEFAULT_CONTEXT.location);
    assert.equal(u.expression, 'resourceGroup().location');
  });

  it('resourceId with and without subscription and resource group arguments', () => {
    assert.equal(
      ev("resourceId('Microsoft.Sql/servers/databases', 'srv', 'db1')"),
      `${RG_ID}/providers/Microsoft.Sql/servers/srv/databases/db1`,
    );
    assert.equal(
      ev("resourceId('other-rg', 'Microsoft.Network/virtualNetworks', 'vnet')"),
      `/subscriptions/${SUB}/resourceGroups/other-rg/providers/Microsoft.Network/virtualNetworks/vnet`,
    );
    assert.equal(
      ev("resourceId('sub-2', 'rg-2', 'Microsoft.Storage/storageAccounts', 'sa')"),
      '/subscriptions/sub-2/resourceGroups/rg-2/providers/Microsoft.Storage/storageAccounts/sa',
    );
    assert.equal(
      ev("resourceId('Microsoft.Authorization/policyDefinitions', 'p1')", { scope: 'subscription' }),
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyDefinitions/p1`,
    );
    assert.equal(
      evError("resourceId('Microsoft.Sql/servers/databases', 'srv')"),
      "resourceId(): resource type 'Microsoft.Sql/servers/databases' needs 2 name segment(s), got 1",
    );
  });

  it('subscriptionResourceId, tenantResourceId, extensionResourceId', () => {
    assert.equal(
      ev("subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg')"),
      `/subscriptions/${SUB}/providers/Microsoft.Resources/resourceGroups/rg`,
    );
    assert.equal(
      ev("tenantResourceId('Microsoft.Management/managementGroups', 'mg1')"),
      '/providers/Microsoft.Management/managementGroups/mg1',
    );
    assert.equal(
      ev("extensionResourceId(resourceGroup().id, 'Microsoft.Authorization/locks', 'lock1')"),
      `${RG_ID}/providers/Microsoft.Authorization/locks/lock1`,
    );
  });

  it('copyIndex outside a loop is an error', () => {
    assert.equal(evError('copyIndex()'), 'copyIndex() is used outside of a copy loop');
  });
});

describe('values unknown offline', () => {
  it('functions reading deployed state, secrets, time or undocumented hashes are Unresolved with a reason', () => {
    const cases: [string, string][] = [
      ["reference('sa', '2023-01-01')", 'reference() reads the runtime state of a deployed resource'],
      ["listKeys('sa', '2023-01-01')", 'list*() reads keys or secrets of a deployed resource'],
      ["listSecrets('fn', '2023-01-01')", 'list*() reads keys or secrets of a deployed resource'],
      [
        "pickZones('Microsoft.Compute', 'virtualMachines', 'westus2')",
        'pickZones() depends on the zones of the region at deployment time',
      ],
      ["providers('Microsoft.Web', 'sites')", 'providers() reads resource provider metadata at deployment time'],
      ['newGuid()', 'newGuid() returns a new random GUID at each deployment'],
      ['utcNow()', 'utcNow() returns the time of the deployment'],
      ['uniqueString(resourceGroup().id)', 'uniqueString() is a hash whose algorithm Microsoft does not document'],
      ['guid(resourceGroup().id)', 'guid() is a hash whose algorithm Microsoft does not document'],
    ];
    for (const [expression, reason] of cases) {
      const u = unresolved(ev(expression));
      assert.equal(u.expression, expression);
      assert.equal(u.reason, reason);
    }
  });

  it('an unresolved argument makes the whole call unresolved, named by its own text', () => {
    const u = unresolved(ev("toLower(reference('sa').primaryEndpoints.blob)"));
    assert.equal(u.expression, "toLower(reference('sa').primaryEndpoints.blob)");
    assert.equal(u.reason, 'reference() reads the runtime state of a deployed resource');
    const p = unresolved(ev("length(reference('sa').list)"));
    assert.equal(p.expression, "length(reference('sa').list)");
  });

  it('concat and format keep the resolved parts for display', () => {
    const u = unresolved(ev("concat('kv-', uniqueString(resourceGroup().id))"));
    assert.equal(u.expression, 'kv-<uniqueString(resourceGroup().id)>');
    assert.equal(u.reason, 'uniqueString() is a hash whose algorithm Microsoft does not document');
    assert.equal(isPartialString(u), true);
    assert.equal(displayValue(u), 'kv-<uniqueString(resourceGroup().id)>');
    const f = unresolved(ev("format('{0}-{1}-{2:D2}', 'app', utcNow(), 3)"));
    assert.equal(displayValue(f), 'app-<utcNow()>-03');
    const nested = unresolved(ev("concat('a-', concat('b-', newGuid()), '-c')"));
    assert.equal(displayValue(nested), 'a-b-<newGuid()>-c');
  });

  it('toLower and toUpper keep a partly known string partly known', () => {
    const u = unresolved(ev("toLower(concat('ST', uniqueString(resourceGroup().id)))"));
    assert.equal(displayValue(u), 'st<uniqueString(resourceGroup().id)>');
  });

  it('structures are kept when only elements are unresolved', () => {
    const value = ev("createObject('a', 1, 'b', reference('x').y)") as Record<string, unknown>;
    assert.equal(value.a, 1);
    assert.equal(unresolved(value.b).expression, "reference('x').y");
    assert.equal(ev("length(createArray(1, reference('x')))"), 2);
    assert.equal(ev("contains(createArray(reference('x'), 'b'), 'b')"), true);
    assert.equal(
      unresolved(ev("contains(createArray(reference('x'), 'b'), 'c')")).expression,
      "contains(createArray(reference('x'), 'b'), 'c')",
    );
  });

  it('displayValue renders values for people', () => {
    assert.equal(displayValue('plain'), 'plain');
    assert.equal(displayValue(new Unresolved("parameters('x')", 'no value')), "<parameters('x')>");
    assert.equal(displayValue({ a: [1, true, null, new Unresolved('f()', 'r')] }), '{"a":[1,true,null,"<f()>"]}');
  });
});

describe('bounded work', () => {
  it('refuses strings over the template size limit', () => {
    assert.match(evError("padLeft('x', 5000000)"), /^padLeft\(\): the result would be longer than 4194304 characters$/);
  });

  it('stops an exponential expansion through variables with the budget', () => {
    const variables: Record<string, string> = { v0: "[createArray('x', 'y')]" };
    for (let i = 1; i <= 40; i++) variables[`v${i}`] = `[concat(variables('v${i - 1}'), variables('v${i - 1}'))]`;
    const result = evaluateExpression("length(string(variables('v40')))", { variables });
    assert.ok(isUnresolved(result.value));
    assert.ok(result.diagnostics.some((d) => d.message.startsWith('evaluation budget exhausted')));
  });
});
