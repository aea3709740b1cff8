import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { jsonPointerLines } from './lines.ts';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/inventory/azure/arm/', import.meta.url));

describe('jsonPointerLines', () => {
  const text = [
    '{', // 1
    '  "a": 1,', // 2
    '  "b": [', // 3
    '    "x",', // 4
    '    { "c": "tricky \\" ] } , [ { string" },', // 5
    '    [', // 6
    '      true', // 7
    '    ]', // 8
    '  ],', // 9
    '  "esc\\u0061ped": {', // 10
    '    "d":', // 11
    '      null', // 12
    '  },', // 13
    '  "e": {}', // 14
    '}', // 15
  ].join('\n');

  it('finds the line where each value starts', () => {
    assert.doesNotThrow(() => JSON.parse(text));
    assert.deepEqual(
      jsonPointerLines(text, [[], ['a'], ['b'], ['b', 0], ['b', 1], ['b', 1, 'c'], ['b', 2], ['b', 2, 0], ['e']]),
      [1, 2, 3, 4, 5, 5, 6, 7, 14],
    );
  });

  it('decodes escaped keys, accepts numeric segments as strings, and reports the value line not the key line', () => {
    assert.deepEqual(jsonPointerLines(text, [['escaped'], ['escaped', 'd'], ['b', '1']]), [10, 12, 5]);
  });

  it('returns undefined for pointers that do not exist', () => {
    assert.deepEqual(jsonPointerLines(text, [['missing'], ['b', 7], ['a', 'deeper'], ['b', 0, 'x']]), [
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('counts CRLF and lone CR line breaks once each, and skips a byte order mark', () => {
    const crlf = '\uFEFF{\r\n  "a": {\r\n    "b": 2\r\n  },\r  "c": 3\r\n}';
    assert.doesNotThrow(() => JSON.parse(crlf.slice(1)));
    assert.deepEqual(jsonPointerLines(crlf, [['a'], ['a', 'b'], ['c']]), [2, 3, 5]);
  });

  it('the last of duplicate keys wins, as with JSON.parse', () => {
    assert.deepEqual(jsonPointerLines('{\n"k": 1,\n"k": 2\n}', [['k']]), [3]);
  });

  it('gives the lines of template resources', () => {
    const template = readFileSync(`${fixtures}landing-zone.json`, 'utf8');
    assert.deepEqual(
      jsonPointerLines(template, [
        ['resources', 0],
        ['resources', 3, 'resources', 0],
        ['resources', 6],
        ['parameters', 'sqlAdministratorPassword'],
        ['resources', 5, 'copy', 'count'],
      ]),
      [67, 139, 187, 22, 169],
    );
  });

  it('is linear: a large document with deep nesting and long strings is scanned quickly and without recursion', () => {
    const depth = 200_000;
    const deep = `${'['.repeat(depth)}"${'x'.repeat(1_000_000)}"${']'.repeat(depth)}`;
    const wide = `{"items":[${Array.from({ length: 200_000 }, (_, i) => `{"n":${i},"s":"a\\"b"}`).join(',\n')}]}`;
    const started = Date.now();
    assert.deepEqual(jsonPointerLines(deep, [[0, 0, 0]]), [1]);
    assert.deepEqual(
      jsonPointerLines(wide, [
        ['items', 199_999, 's'],
        ['items', 0],
      ]),
      [200_000, 1],
    );
    assert.ok(Date.now() - started < 5_000);
  });

  it('stops without throwing on text that is not JSON', () => {
    assert.deepEqual(jsonPointerLines('{"a": [1, 2', [['a', 1], ['b']]), [1, undefined]);
    assert.deepEqual(jsonPointerLines('', [[]]), [undefined]);
    assert.deepEqual(jsonPointerLines('{"a" 1}', [['a']]), [undefined]);
  });
});
