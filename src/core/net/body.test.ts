import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { describe, it } from 'node:test';
import { readLimitedBody } from './body.ts';
import { closeGracefully, listenOn } from './lifecycle.ts';

/** Posts `body` (declared or chunked) to a server that reads it with a 16-byte limit; resolves with what it saw. */
async function post(body: string, chunked: boolean): Promise<{ result: string; started: boolean }> {
  let resolveSeen: (v: { result: string; started: boolean }) => void = () => {};
  const seen = new Promise<{ result: string; started: boolean }>((r) => {
    resolveSeen = r;
  });
  const server = createServer((req, res) => {
    let started = false;
    started = readLimitedBody(req, 16, {
      tooLarge: (size) => {
        resolveSeen({ result: `too large: ${size}`, started });
        res.end();
      },
      body: (bytes) => {
        resolveSeen({ result: `body: ${bytes.toString('utf8')}`, started });
        res.end();
      },
    });
  });
  const port = await listenOn(server, 0, '127.0.0.1');
  try {
    await new Promise<void>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          headers: chunked ? {} : { 'content-length': String(body.length) },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', () => resolve());
      if (chunked) {
        for (let i = 0; i < body.length; i += 4) req.write(body.slice(i, i + 4));
        req.end();
      } else {
        req.end(body);
      }
    });
    return await seen;
  } finally {
    await closeGracefully(server, 100);
  }
}

describe('readLimitedBody', () => {
  it('hands over a body within the limit, declared or chunked', async () => {
    assert.deepEqual(await post('{"a":1}', false), { result: 'body: {"a":1}', started: true });
    assert.deepEqual(await post('0123456789abcdef', true), { result: 'body: 0123456789abcdef', started: true });
  });

  it('refuses a declared length over the limit before reading, and a streamed body once it passes it', async () => {
    const declared = await post('x'.repeat(40), false);
    assert.equal(declared.result, 'too large: 40');
    assert.equal(declared.started, false, 'nothing was read');
    assert.deepEqual(await post('y'.repeat(40), true), { result: 'too large: more than 16', started: true });
  });
});
