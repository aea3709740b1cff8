import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CallNode,
  classifyString,
  type ExprNode,
  isExpression,
  MAX_EXPRESSION_DEPTH,
  nodeText,
  parseExpression,
} from './expression.ts';

function parse(source: string): ExprNode {
  const result = parseExpression(source);
  if (!result.ok) assert.fail(`unexpected parse error: ${result.error}`);
  return result.node;
}

function parseError(source: string): { error: string; offset: number } {
  const result = parseExpression(source);
  if (result.ok) assert.fail(`expected a parse error for ${source}`);
  return { error: result.error, offset: result.offset };
}

/** A compact rendering of the AST, to compare shapes. */
function shape(node: ExprNode): string {
  switch (node.kind) {
    case 'string':
      return JSON.stringify(node.value);
    case 'int':
      return String(node.value);
    case 'call':
      return `${node.namespace ? `${node.namespace}.` : ''}${node.name}(${node.args.map(shape).join(',')})`;
    case 'property':
      return `${shape(node.target)}.${node.name}`;
    case 'index':
      return `${shape(node.target)}[${shape(node.index)}]`;
  }
}

describe('classifyString', () => {
  it('reads [ ... ] as an expression', () => {
    assert.deepEqual(classifyString("[parameters('a')]"), { kind: 'expression', source: "[parameters('a')]" });
    assert.equal(isExpression("[parameters('a')]"), true);
  });

  it('unescapes a leading [[ by dropping one bracket', () => {
    assert.deepEqual(classifyString('[[not an expression]'), { kind: 'literal', value: '[not an expression]' });
    assert.equal(isExpression('[[x]'), false);
  });

  it('keeps strings that do not both start with [ and end with ] as literals', () => {
    assert.deepEqual(classifyString('[starts only'), { kind: 'literal', value: '[starts only' });
    assert.deepEqual(classifyString('ends only]'), { kind: 'literal', value: 'ends only]' });
    assert.deepEqual(classifyString('plain'), { kind: 'literal', value: 'plain' });
    assert.deepEqual(classifyString('[]'), { kind: 'expression', source: '[]' });
  });
});

describe('parseExpression', () => {
  it('parses nested calls, strings and integers', () => {
    assert.equal(shape(parse("[concat('a', parameters('b'), 3, -42)]")), 'concat("a",parameters("b"),3,-42)');
  });

  it("reads '' inside a string literal as one quote", () => {
    const node = parse("[concat('it''s', '''quoted''')]") as CallNode;
    assert.deepEqual(
      node.args.map((a) => (a.kind === 'string' ? a.value : null)),
      ["it's", "'quoted'"],
    );
  });

  it('keeps the original case of function names (they are matched case-insensitively later)', () => {
    assert.equal(shape(parse('[ResourceGroup().ID]')), 'ResourceGroup().ID');
  });

  it('chains property and index accessors after calls', () => {
    assert.equal(
      shape(parse("[reference('x', '2023-01-01').keys[0].value]")),
      'reference("x","2023-01-01").keys[0].value',
    );
    assert.equal(shape(parse("[parameters('p')[copyIndex()]['name']]")), 'parameters("p")[copyIndex()]["name"]');
  });

  it('parses user-defined functions as namespace.member calls', () => {
    const node = parse("[contoso.uniqueName(parameters('prefix'))]") as CallNode;
    assert.equal(node.namespace, 'contoso');
    assert.equal(node.name, 'uniqueName');
    assert.equal(shape(node), 'contoso.uniqueName(parameters("prefix"))');
  });

  it('tolerates whitespace between tokens', () => {
    assert.equal(shape(parse("[ concat ( 'a' ,  'b' ) . length ]")), 'concat("a","b").length');
  });

  it('accepts a bare expression without brackets', () => {
    assert.equal(shape(parse('add(1, 2)')), 'add(1,2)');
  });

  it('records offsets so that sub-expressions can be quoted', () => {
    const source = "[concat('kv-', uniqueString(resourceGroup().id))]";
    const node = parse(source) as CallNode;
    assert.equal(nodeText(source, node), "concat('kv-', uniqueString(resourceGroup().id))");
    assert.equal(nodeText(source, node.args[1]!), 'uniqueString(resourceGroup().id)');
    const inner = node.args[1] as CallNode;
    assert.equal(nodeText(source, inner.args[0]!), 'resourceGroup().id');
  });
});

describe('parseExpression errors', () => {
  it('reports a missing closing parenthesis with its offset', () => {
    assert.deepEqual(parseError("[concat('a', 'b']"), {
      error: "missing ')' to close the call of 'concat' at offset 16",
      offset: 16,
    });
  });

  it('reports an unterminated string at the opening quote', () => {
    assert.deepEqual(parseError("[concat('abc)]"), { error: 'unterminated string literal at offset 8', offset: 8 });
  });

  it('reports unexpected characters', () => {
    assert.deepEqual(parseError('[concat(1 # 2)]'), {
      error: "expected ',' or ')' in the arguments of 'concat' but found '#' at offset 10",
      offset: 10,
    });
    assert.deepEqual(parseError('[@foo()]'), { error: "unexpected '@' at offset 1", offset: 1 });
  });

  it('rejects an empty expression and trailing text', () => {
    assert.deepEqual(parseError('[]'), { error: 'empty expression at offset 1', offset: 1 });
    assert.deepEqual(parseError("[concat('a') 'b']"), {
      error: "unexpected ''' after the end of the expression at offset 13",
      offset: 13,
    });
  });

  it('rejects bare identifiers and non-integer numbers', () => {
    assert.equal(parseError('[true]').error, "expected '(' after function name 'true' at offset 5");
    assert.equal(parseError('[add(1.5, 2)]').error, 'invalid number literal (only integers are allowed) at offset 5');
    assert.equal(parseError("[concat('a', -)]").error, "expected digits after '-' at offset 13");
  });

  it('rejects integers beyond the safe range', () => {
    assert.equal(parseError('[add(99999999999999999999, 1)]').error, 'integer literal out of range at offset 5');
  });

  it('rejects accessors after literals', () => {
    assert.equal(
      parseError("['abc'.length]").error,
      'property access is only allowed after a function call at offset 6',
    );
  });

  it('bounds nesting depth instead of recursing without limit', () => {
    const deep = `[${'concat('.repeat(MAX_EXPRESSION_DEPTH + 5)}'x'${')'.repeat(MAX_EXPRESSION_DEPTH + 5)}]`;
    const { error } = parseError(deep);
    assert.match(error, /^expression nested deeper than 64 levels at offset \d+$/);
    const fine = `[${'concat('.repeat(10)}'x'${')'.repeat(10)}]`;
    assert.equal(parseExpression(fine).ok, true);
  });

  it('never throws, even on pathological input', () => {
    for (const input of ['[', ']', '[(]', "[''']", '[a.b.c]', '[f(,)]', '[f(1,)]', `[${'['.repeat(10000)}]`]) {
      const result = parseExpression(input);
      assert.equal(typeof result.ok, 'boolean', input);
    }
  });
});
