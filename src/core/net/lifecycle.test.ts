import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { describe, it } from 'node:test';
import { closeGracefully, listenOn } from './lifecycle.ts';

describe('listenOn and closeGracefully', () => {
  it('listens on a free port, lets a request in flight finish, then closes', async () => {
    let release: (() => void) | undefined;
    const server = createServer((_req, res) => {
      release = () => res.end('done');
    });
    const port = await listenOn(server, 0, '127.0.0.1');
    assert.ok(port > 0);
    const answer = new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });
    while (!release) await new Promise((r) => setTimeout(r, 5));
    const closed = closeGracefully(server, 5000);
    release();
    assert.equal(await answer, 'done', 'the request in flight finished');
    await closed;
    assert.equal(server.listening, false);
  });

  it('drops connections still open after the grace period', async () => {
    const server = createServer(() => {
      // never answers
    });
    const port = await listenOn(server, 0, '127.0.0.1');
    const failed = new Promise<string>((resolve) => {
      request({ host: '127.0.0.1', port, path: '/' }, () => resolve('answered'))
        .on('error', (err) => resolve(err.message))
        .end();
    });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await closeGracefully(server, 100);
    assert.ok(Date.now() - started < 2000);
    assert.match(await failed, /socket hang up|ECONNRESET/);
  });

  it('rejects with the listen error (port in use)', async () => {
    const first = createServer();
    const port = await listenOn(first, 0, '127.0.0.1');
    await assert.rejects(listenOn(createServer(), port, '127.0.0.1'), /EADDRINUSE/);
    await closeGracefully(first, 100);
  });
});
