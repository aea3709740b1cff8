/**
 * A synchronous line splitter over byte chunks, shared by the file reader and `--follow`.
 * Lines end at LF (a trailing CR is dropped). A line longer than `limit` bytes is not kept in
 * memory: its bytes are skipped up to the next LF and it comes out as `text: null`, so memory
 * stays bounded by the limit whatever the input.
 */

export interface Line {
  /** The line's text (UTF-8), or null when it was longer than the limit and was skipped. */
  readonly text: string | null;
  /** 1-based line number. */
  readonly no: number;
  /** The line's length in bytes, without the line end. */
  readonly bytes: number;
}

const LF = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  /** Maximum bytes per line; may be changed between pushes (the first line of a file gets more room). */
  limit: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of the current line, counted while it is being skipped as oversized. */
  private skipping = false;
  private skippedBytes = 0;
  private lineNo = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Lines started so far (the number of the last line returned, or being read). */
  get linesSeen(): number {
    return this.lineNo;
  }

  /** Bytes held for an incomplete line (or counted for one being skipped). */
  get partialBytes(): number {
    return this.skipping ? this.skippedBytes : this.pendingBytes;
  }

  /** Splits `chunk`, appending each completed line to `out`. */
  push(chunk: Buffer, out: Line[]): void {
    let start = 0;
    const length = chunk.length;
    while (start < length) {
      const end = chunk.indexOf(LF, start);
      if (end === -1) {
        this.hold(chunk, start, length);
        return;
      }
      if (this.skipping) {
        const bytes = this.skippedBytes + (end - start);
        out.push({ text: null, no: ++this.lineNo, bytes });
        this.skipping = false;
        this.skippedBytes = 0;
      } else if (this.pendingBytes === 0) {
        this.emit(chunk, start, end, out);
      } else {
        const bytes = this.pendingBytes + (end - start);
        if (bytes > this.limit) {
          out.push({ text: null, no: ++this.lineNo, bytes: trimmedLength(bytes, chunk, end) });
        } else {
          this.pending.push(chunk.subarray(start, end));
          const joined = Buffer.concat(this.pending, bytes);
          this.emit(joined, 0, bytes, out);
        }
        this.pending = [];
        this.pendingBytes = 0;
      }
      start = end + 1;
    }
  }

  /** Ends the input: a final line without a line end is returned as a line. */
  end(out: Line[]): void {
    if (this.skipping) {
      out.push({ text: null, no: ++this.lineNo, bytes: this.skippedBytes });
    } else if (this.pendingBytes > 0) {
      const joined = Buffer.concat(this.pending, this.pendingBytes);
      this.emit(joined, 0, joined.length, out);
    }
    this.discard();
  }

  /** Drops an incomplete final line (a truncated stream); returns how many bytes were dropped. */
  discard(): number {
    const dropped = this.partialBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = false;
    this.skippedBytes = 0;
    return dropped;
  }

  /** Starts again after line `lineNo` (0: a rotated or truncated file starts at line 1). */
  reset(lineNo = 0): void {
    this.discard();
    this.lineNo = lineNo;
  }

  private hold(chunk: Buffer, start: number, end: number): void {
    const bytes = end - start;
    if (this.skipping) {
      this.skippedBytes += bytes;
      return;
    }
    if (this.pendingBytes + bytes > this.limit) {
      this.skipping = true;
      this.skippedBytes = this.pendingBytes + bytes;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // Copy: the caller may reuse the chunk's memory (follow reads into one buffer).
    this.pending.push(Buffer.from(chunk.subarray(start, end)));
    this.pendingBytes += bytes;
  }

  private emit(buffer: Buffer, start: number, end: number, out: Line[]): void {
    let stop = end;
    if (stop > start && buffer[stop - 1] === CR) {
      stop--;
    }
    const bytes = stop - start;
    const no = ++this.lineNo;
    if (bytes > this.limit) {
      out.push({ text: null, no, bytes });
      return;
    }
    let text = buffer.toString('utf8', start, stop);
    if (no === 1 && text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
    }
    out.push({ text, no, bytes });
  }
}

function trimmedLength(bytes: number, chunk: Buffer, end: number): number {
  return end > 0 && chunk[end - 1] === CR ? bytes - 1 : bytes;
}
