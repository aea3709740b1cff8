import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decode, findJsonError, isListObject, jsonElementLines, lineColumnAt } from './decode.ts';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/inventory/', import.meta.url));

function decodeFixture(name: string) {
  const file = `${fixtures}${name}`;
  const result = decode(readFileSync(file, 'utf8'), name);
  return {
    objects: result.objects.map(({ value, source }) => {
      const object = value as { kind?: string; metadata?: { name?: string } } | null;
      return { kind: object?.kind, name: object?.metadata?.name, ...source };
    }),
    diagnostics: result.diagnostics,
  };
}

describe('decode: YAML', () => {
  it('reads every document of a multi-document stream with its first line, skipping empty ones', () => {
    const { objects, diagnostics } = decodeFixture('manifests/multi-document.yaml');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(objects, [
      { kind: 'Service', name: 'web', file: 'manifests/multi-document.yaml', line: 3, document: 0 },
      { kind: 'Deployment', name: 'web', file: 'manifests/multi-document.yaml', line: 17, document: 2 },
      { kind: 'ConfigMap', name: 'web-config', file: 'manifests/multi-document.yaml', line: 37, document: 3 },
    ]);
  });

  it('flattens kind: List with the line of each item', () => {
    const { objects, diagnostics } = decodeFixture('manifests/list.yaml');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      objects.map((o) => [o.kind, o.name, o.line, o.document]),
      [
        ['ServiceAccount', 'builder', 6, 0],
        ['ServiceAccount', 'deployer', 11, 0],
        ['RoleBinding', 'system:deployers', 16, 0],
      ],
    );
  });

  it('flattens a typed PodList', () => {
    const { objects } = decodeFixture('manifests/pod-list.yaml');
    assert.deepEqual(
      objects.map((o) => [o.kind, o.name, o.line]),
      [
        ['Pod', 'web-6d5f7c9b8-2xkqp', 6],
        ['Pod', 'web-6d5f7c9b8-9mz7t', 17],
      ],
    );
  });

  it('keeps the Helm template each document was rendered from and skips empty templates', () => {
    const { objects, diagnostics } = decodeFixture('manifests/helm-rendered.yaml');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      objects.map((o) => [o.kind, o.line, o.document, o.template]),
      [
        ['ServiceAccount', 3, 0, 'shop/templates/serviceaccount.yaml'],
        ['Service', 14, 2, 'shop/templates/service.yaml'],
        ['Deployment', 29, 3, 'shop/templates/deployment.yaml'],
      ],
    );
  });

  it('reports a malformed document with line and column and still reads the others', () => {
    const { objects, diagnostics } = decodeFixture('bad/malformed-document.yaml');
    assert.deepEqual(
      objects.map((o) => [o.name, o.line, o.document]),
      [
        ['before', 1, 0],
        ['after', 15, 2],
      ],
    );
    assert.deepEqual(diagnostics, [
      {
        level: 'error',
        code: 'yaml.syntax',
        message: 'document 2 is not valid YAML and was skipped: Tabs are not allowed as indentation',
        location: { file: 'bad/malformed-document.yaml', line: 11, column: 1 },
      },
    ]);
  });

  it('reports a truncated file', () => {
    const { objects, diagnostics } = decodeFixture('bad/truncated.yaml');
    assert.deepEqual(objects, []);
    assert.deepEqual(diagnostics, [
      {
        level: 'error',
        code: 'yaml.syntax',
        message: 'document 1 is not valid YAML and was skipped: Missing closing "quote',
        location: { file: 'bad/truncated.yaml', line: 11, column: 38 },
      },
    ]);
  });

  it('rejects duplicate keys, as the API server does', () => {
    const { objects, diagnostics } = decodeFixture('bad/duplicate-key.yaml');
    assert.deepEqual(objects, []);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.message, d.location.line, d.location.column]),
      [['yaml.syntax', 'document 1 is not valid YAML and was skipped: Map keys must be unique', 5, 3]],
    );
  });

  it('passes non-object documents on (toResource reports them)', () => {
    const { objects, diagnostics } = decodeFixture('bad/not-an-object.yaml');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      objects.map((o) => [o.line, o.document]),
      [
        [1, 0],
        [3, 1],
        [6, 2],
      ],
    );
  });

  it('stops alias expansion bombs', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(
        `${next}: &${next} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
      );
    }
    const result = decode(lines.join('\n'), 'bomb.yaml');
    assert.deepEqual(result.objects, []);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.line]),
      [['yaml.invalid', 1]],
    );
  });

  it('reads an empty file and a comment-only file as nothing', () => {
    for (const text of ['', '\n\n', '# only a comment\n', '---\n---\n']) {
      assert.deepEqual(decode(text, 'empty.yaml'), { objects: [], diagnostics: [] }, JSON.stringify(text));
    }
  });

  it('ignores a byte-order mark', () => {
    const result = decode('\ufeffapiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n', 'bom.yaml');
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(result.objects[0]?.source, { file: 'bom.yaml', line: 1, document: 0 });
  });
});

describe('decode: JSON', () => {
  it('flattens a kubectl List with the exact line of each item', () => {
    const { objects, diagnostics } = decodeFixture('manifests/pod-list.json');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(objects, [
      { kind: 'Pod', name: 'api-7c9d8f6b5-abcde', file: 'manifests/pod-list.json', line: 4, document: 0 },
      { kind: 'Pod', name: 'api-7c9d8f6b5-fghij', file: 'manifests/pod-list.json', line: 26, document: 1 },
    ]);
  });

  it('gives every item of a one-line List line 1', () => {
    const { objects } = decodeFixture('manifests/list-compact.json');
    assert.deepEqual(
      objects.map((o) => [o.name, o.line, o.document]),
      [
        ['a', 1, 0],
        ['b', 1, 1],
      ],
    );
  });

  it('reads a single object, a top-level array and a BOM-prefixed file', () => {
    const single = decode('{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}', 'a.json');
    assert.deepEqual(single.objects[0]?.source, { file: 'a.json', line: 1, document: 0 });
    const array = decode('[\n  {"kind": "A"},\n  "text",\n  {"kind": "B"}\n]', 'b.json');
    assert.deepEqual(
      array.objects.map((o) => [o.value, o.source.line]),
      [
        [{ kind: 'A' }, 2],
        ['text', 3],
        [{ kind: 'B' }, 4],
      ],
    );
    const bom = decode('\ufeff{"kind":"A"}', 'c.json');
    assert.deepEqual(bom.diagnostics, []);
    assert.equal(bom.objects.length, 1);
  });

  it('reports malformed JSON with line and column, without quoting the input', () => {
    const { objects, diagnostics } = decodeFixture('bad/malformed.json');
    assert.deepEqual(objects, []);
    assert.deepEqual(diagnostics, [
      {
        level: 'error',
        code: 'json.syntax',
        message: "file is not valid JSON and was skipped: Expected ',' or '}' after property value",
        location: { file: 'bad/malformed.json', line: 8, column: 13 },
      },
    ]);
  });

  it('reports a truncated file at its end', () => {
    const { diagnostics } = decodeFixture('bad/truncated.json');
    assert.deepEqual(diagnostics, [
      {
        level: 'error',
        code: 'json.syntax',
        message: 'file is not valid JSON and was skipped: Unterminated string',
        location: { file: 'bad/truncated.json', line: 7, column: 28 },
      },
    ]);
  });

  it('never puts the input text in the message (it may hold a secret)', () => {
    const cases = [
      ['{"password": "hunter2", "a": tru]', "Unexpected token ']'", 30],
      ['{"password": "hunter2"} }', 'Unexpected non-whitespace character after JSON', 25],
    ] as const;
    for (const [text, reason, column] of cases) {
      const result = decode(text, 'secret.json');
      assert.deepEqual(result.diagnostics, [
        {
          level: 'error',
          code: 'json.syntax',
          message: `file is not valid JSON and was skipped: ${reason}`,
          location: { file: 'secret.json', line: 1, column },
        },
      ]);
    }
  });

  it('reads JSON-looking text that is valid YAML as YAML, with a warning', () => {
    const { objects, diagnostics } = decodeFixture('bad/trailing-comma.json');
    assert.deepEqual(
      objects.map((o) => [o.kind, o.name, o.line]),
      [['ConfigMap', 'x', 5]],
    );
    assert.deepEqual(diagnostics, [
      {
        level: 'warning',
        code: 'json.read-as-yaml',
        message:
          'file starts like JSON but is not valid JSON (Expected double-quoted property name); it was read as YAML',
        location: { file: 'bad/trailing-comma.json', line: 10, column: 9 },
      },
    ]);
    const flow = decode('{apiVersion: v1, kind: Namespace, metadata: {name: a}}', 'flow.yaml');
    assert.deepEqual(
      flow.diagnostics.map((d) => d.code),
      ['json.read-as-yaml'],
    );
    assert.deepEqual(flow.objects[0]?.value, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });
  });
});

describe('jsonElementLines', () => {
  const list = (items: readonly unknown[]) => ({
    apiVersion: 'v1',
    kind: 'List',
    items,
    metadata: { resourceVersion: '' },
  });
  const items = [
    { kind: 'A', metadata: { name: 'a', annotations: { tricky: '{ "items": [ {' } } },
    { kind: 'B', data: { 'x\\"y': '\\', nested: [{ a: [] }, {}] } },
    {},
    { kind: 'C' },
  ];
  const cases: readonly (readonly [string, string])[] = [
    ['4-space indent', JSON.stringify(list(items), null, 4)],
    ['2-space indent', JSON.stringify(list(items), null, 2)],
    ['compact', JSON.stringify(list(items))],
    ['tab indent', JSON.stringify(list(items), null, '\t')],
    ['top-level array', JSON.stringify(items, null, 4)],
    ['items not first', JSON.stringify({ kind: 'List', metadata: { items: [1] }, apiVersion: 'v1', items }, null, 4)],
    ['CRLF', JSON.stringify(list(items), null, 4).replace(/\n/g, '\r\n')],
  ];
  for (const [name, text] of cases) {
    it(`finds the line of every element (${name}), with and without the fast path`, () => {
      const textLines = text.split('\n');
      const slow = jsonElementLines(text);
      const fast = jsonElementLines(text, items.length);
      assert.equal(slow.length, items.length);
      assert.deepEqual(fast, slow);
      const expected: number[] = [];
      for (const line of slow) {
        const content = textLines[line - 1] ?? '';
        assert.ok(content.includes('{'), `line ${line} "${content}" does not open an element`);
        expected.push(line);
      }
      assert.deepEqual(
        [...expected].sort((a, b) => a - b),
        expected,
        'lines ascend',
      );
    });
  }

  it('gives exact lines for kubectl output', () => {
    const text = JSON.stringify(list([{ kind: 'A' }, { kind: 'B', spec: { x: [{ y: 1 }] } }]), null, 4);
    // {                      1
    //     "apiVersion": "v1",  2
    //     "kind": "List",      3
    //     "items": [           4
    //         {                5
    //             "kind": "A"  6
    //         },               7
    //         {                8
    assert.deepEqual(jsonElementLines(text, 2), [5, 8]);
    assert.deepEqual(jsonElementLines(text), [5, 8]);
  });

  it('falls back to the full scan when the layout misleads the fast path', () => {
    // A top-level key other than items holding an array of objects at the same indentation.
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', extra: [{ a: 1 }], items: [{ kind: 'A' }] }, null, 4);
    assert.deepEqual(jsonElementLines(text, 1), [10]);
  });

  it('counts scalar elements so that later lines stay aligned', () => {
    const text = '[\n"a",\n1,\n{"kind": "A"},\ntrue,\n[2]\n]';
    assert.deepEqual(jsonElementLines(text), [2, 3, 4, 5, 6]);
  });
});

describe('findJsonError', () => {
  const cases: readonly (readonly [string, number])[] = [
    ['{"a": 1}', -1],
    ['[1, 2.5e3, -0, "x\\u00e9", true, false, null, {}, []]', -1],
    ['', 0],
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ['{"a": tru}', 6],
    ['[1, 2', 5],
    ['{"a": "x', 8],
    ['{"a": "\\q"}', 8],
    ['{"a": 1} x', 9],
    ['{"a": 01}', 7],
    ['{"a": "tab\there"}', 10],
  ];
  for (const [text, offset] of cases) {
    it(`finds the error in ${JSON.stringify(text)} at ${offset}`, () => {
      assert.equal(findJsonError(text), offset);
    });
  }

  it('agrees with V8 wherever V8 gives a position', () => {
    const texts = ['{"a": 1,}', '{"a" 1}', '[1, 2', '{"a": "x', '{\n  "a": 1\n  "b": 2\n}', '{"a": 1} x'];
    for (const text of texts) {
      let message = '';
      try {
        JSON.parse(text);
      } catch (error) {
        message = (error as Error).message;
      }
      const position = /position (?<p>\d+)/.exec(message)?.groups?.p;
      if (position !== undefined) {
        assert.equal(findJsonError(text), Number(position), text);
      }
    }
  });
});

describe('helpers', () => {
  it('lineColumnAt is 1-based', () => {
    assert.deepEqual(lineColumnAt('ab\ncd\n', 0), { line: 1, column: 1 });
    assert.deepEqual(lineColumnAt('ab\ncd\n', 4), { line: 2, column: 2 });
    assert.deepEqual(lineColumnAt('ab\ncd\n', 6), { line: 3, column: 1 });
  });

  it('isListObject accepts kind: List and typed lists, and nothing else', () => {
    assert.equal(isListObject({ apiVersion: 'v1', kind: 'List', items: [] }), true);
    assert.equal(isListObject({ apiVersion: 'v1', kind: 'PodList', items: null }), true);
    assert.equal(isListObject({ apiVersion: 'v1', kind: 'List' }), false);
    assert.equal(isListObject({ kind: 'List', items: [] }), false);
    assert.equal(isListObject({ apiVersion: 'v1', kind: 'Pod', items: [] }), false);
    assert.equal(isListObject([]), false);
  });
});
