/**
 * The floor of the admission benchmark: a bare Node HTTPS server that reads each request body
 * whole and answers a constant AdmissionReview (allowed), with the same certificate and key as the
 * webhook under test. Run by bench/admission.ts as its own process:
 *   node bench/admission-bare.ts <cert> <key> <port>
 * Prints "listening <port>" when ready.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [certFile, keyFile, portText] = process.argv.slice(2);
if (!certFile || !keyFile || portText === undefined) {
  console.error('usage: node bench/admission-bare.ts <cert> <key> <port>');
  process.exit(2);
}

const answer = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  response: { uid: '705ab4f5-6393-11e8-b7cc-42010a800002', allowed: true },
});

const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(answer);
  });
});
server.listen(Number(portText), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : portText}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
