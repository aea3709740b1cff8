/** One HTTPS request to a test server on 127.0.0.1, trusting the test CA, with what the tests read from the answer. */
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface HttpsReply {
  status: number;
  body: string;
  /** The Content-Type header ("" when absent). */
  type: string;
  /** SHA-256 fingerprint of the certificate the server presented. */
  fingerprint: string;
  /** The WWW-Authenticate header, if any. */
  challenge: string | undefined;
}

export interface HttpsSendInit {
  method?: string;
  path: string;
  body?: Buffer | string;
  type?: string;
  /** Send the body in `chunkBytes` pieces without a Content-Length (default 4096). */
  chunked?: boolean;
  chunkBytes?: number;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: Buffer;
  key?: Buffer;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  authorization?: string;
}

export function httpsSend(port: number, ca: Buffer, init: HttpsSendInit): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const headers: Record<string, string> = {};
    if (init.type !== undefined) headers['content-type'] = init.type;
    if (body && !init.chunked) headers['content-length'] = String(body.length);
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    if (init.authorization !== undefined) headers.authorization = init.authorization;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: init.method ?? 'POST',
        path: init.path,
        ca,
        ...(init.cert ? { cert: init.cert } : {}),
        ...(init.key ? { key: init.key } : {}),
        headers,
        agent: false,
      },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        const header = res.headers['www-authenticate'];
        const challenge = Array.isArray(header) ? header.join(', ') : header;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            type: String(res.headers['content-type'] ?? ''),
            fingerprint,
            challenge,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body && init.chunked) {
      // No content-length: a body limit must be enforced while streaming.
      const step = init.chunkBytes ?? 4096;
      for (let i = 0; i < body.length; i += step) req.write(body.subarray(i, i + step));
      req.end();
    } else {
      req.end(body);
    }
  });
}
