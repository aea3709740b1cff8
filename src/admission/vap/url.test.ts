import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUrl, parseUrl, Url } from './url.ts';

function u(text: string): Url {
  const parsed = parseUrl(text);
  assert.ok(parsed instanceof Url, `${text} should parse`);
  return parsed;
}

describe('url()', () => {
  it('accepts absolute URLs and absolute paths only', () => {
    assert.equal(isUrl('https://example.com:80/path?k=v'), true);
    assert.equal(isUrl('/absolute-path'), true);
    assert.equal(isUrl('relative/path'), false);
    assert.equal(isUrl('mailto:someone@example.com'), false);
    assert.equal(isUrl(''), false);
    assert.equal(isUrl('https://example.com:8a/'), false);
    assert.equal(isUrl('https://example.com/%zz'), false);
    assert.equal(isUrl('https://[::1/'), false);
  });

  it('splits scheme, host, hostname and port as written', () => {
    const cases: [string, string, string, string, string][] = [
      ['https://example.com:80/', 'https', 'example.com:80', 'example.com', '80'],
      ['https://Example.COM/', 'https', 'Example.COM', 'Example.COM', ''],
      ['https://[::1]:80/', 'https', '[::1]:80', '::1', '80'],
      ['https://[::1]/', 'https', '[::1]', '::1', ''],
      ['https://user:pw@example.com:8443', 'https', 'example.com:8443', 'example.com', '8443'],
      ['/absolute-path', '', '', '', ''],
    ];
    for (const [text, scheme, host, hostname, port] of cases) {
      const url = u(text);
      assert.deepEqual(
        [url.getScheme(), url.getHost(), url.getHostname(), url.getPort()],
        [scheme, host, hostname, port],
        text,
      );
    }
  });

  it('gives the escaped path and the decoded query', () => {
    assert.equal(u('https://example.com/path with spaces/').getEscapedPath(), '/path%20with%20spaces/');
    assert.equal(u('https://example.com/a%2Fb').getEscapedPath(), '/a%2Fb');
    assert.equal(u('https://example.com').getEscapedPath(), '');
    assert.deepEqual(
      u('https://example.com/?k=v&k=v2&x=a+b&e=%41').getQuery(),
      new Map([
        ['k', ['v', 'v2']],
        ['x', ['a b']],
        ['e', ['A']],
      ]),
    );
    assert.deepEqual(u('https://example.com/').getQuery(), new Map());
  });
});
