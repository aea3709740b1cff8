/**
 * Request bodies with a size limit, for the HTTPS endpoints (`detect serve`, `admission serve`):
 * a declared Content-Length over the limit is refused before anything is read, and a body that
 * streams past it stops being kept (chunked uploads declare nothing).
 */
import type { IncomingMessage } from 'node:http';

export interface LimitedBodyHandlers {
  /** The body is over the limit; `size` is the declared length or "more than <limit>". */
  tooLarge(size: string): void;
  /** The whole body, when it stayed within the limit. */
  body(bytes: Buffer): void;
}

/**
 * Reads `req`'s body into one Buffer of at most `maxBytes`. Returns false when the declared length
 * is already over the limit (`tooLarge` has been called and nothing is read), true when reading
 * started; `tooLarge` or `body` is then called later, at most once. A client that goes away
 * mid-body gets neither.
 */
export function readLimitedBody(req: IncomingMessage, maxBytes: number, handlers: LimitedBodyHandlers): boolean {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    handlers.tooLarge(String(declared));
    return false;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > maxBytes) {
      over = true;
      chunks.length = 0;
      handlers.tooLarge(`more than ${maxBytes}`);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (!over) handlers.body(Buffer.concat(chunks, size));
  });
  req.on('error', () => {
    // The client went away mid-body: nothing to answer.
  });
  return true;
}
