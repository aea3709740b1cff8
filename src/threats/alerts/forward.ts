/**
 * Forwards alerts to a generic JSON webhook: POST `{"alerts": [Alert, ...]}` with
 * `content-type: application/json`, in batches of up to `batchSize`, at least every
 * `flushIntervalMs`. One request is in flight at a time. A network error, a timeout, 429 or a 5xx
 * is retried up to `maxRetries` times with exponential backoff (`backoffMs` doubling, capped at
 * `maxBackoffMs`; a `Retry-After` in seconds is honoured up to the cap); any other status fails the
 * batch at once. The queue is bounded (`maxQueue` alerts): an alert that does not fit is dropped.
 * Drops and failed batches are counted in `stats` and never silent.
 */
import type { Alert } from '#core';

export interface ForwardOptions {
  readonly url: string;
  readonly batchSize?: number;
  readonly flushIntervalMs?: number;
  readonly maxQueue?: number;
  readonly maxRetries?: number;
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly timeoutMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ForwardStats {
  /** Alerts delivered (2xx). */
  sent: number;
  /** Requests that succeeded. */
  batches: number;
  /** Requests repeated after a retryable failure. */
  retries: number;
  /** Alerts refused because the queue was full. */
  dropped: number;
  /** Alerts in batches that failed for good. */
  failed: number;
  lastError?: string;
}

const RETRYABLE = (status: number): boolean => status === 429 || status === 408 || status >= 500;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class Forwarder {
  readonly stats: ForwardStats = { sent: 0, batches: 0, retries: 0, dropped: 0, failed: 0 };
  private readonly url: URL;
  private readonly opts: Required<Omit<ForwardOptions, 'url' | 'headers'>>;
  private readonly headers: Record<string, string>;
  private queue: Alert[] = [];
  private worker: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: ForwardOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new TypeError(`--forward: "${options.url}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`--forward: ${url.protocol} is not supported (http or https)`);
    }
    this.url = url;
    this.opts = {
      batchSize: Math.max(1, options.batchSize ?? 100),
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      maxQueue: Math.max(1, options.maxQueue ?? 10_000),
      maxRetries: Math.max(0, options.maxRetries ?? 5),
      backoffMs: options.backoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      timeoutMs: options.timeoutMs ?? 10_000,
    };
    this.headers = { 'content-type': 'application/json', ...(options.headers ?? {}) };
  }

  /** Queues an alert; false (and counted in `dropped`) when the queue is full or closed. */
  enqueue(alert: Alert): boolean {
    if (this.closed || this.queue.length >= this.opts.maxQueue) {
      this.stats.dropped++;
      return false;
    }
    this.queue.push(alert);
    if (this.queue.length >= this.opts.batchSize) this.kick();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, this.opts.flushIntervalMs);
      this.timer.unref();
    }
    return true;
  }

  /** Sends everything queued, then resolves. No more alerts are accepted. */
  async close(): Promise<ForwardStats> {
    this.closed = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0 || this.worker !== undefined) {
      this.kick();
      await this.worker;
    }
    return this.stats;
  }

  private kick(): void {
    if (this.worker !== undefined) return;
    this.worker = this.drain().finally(() => {
      this.worker = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.batchSize);
      await this.send(batch);
    }
  }

  private async send(batch: Alert[]): Promise<void> {
    const body = JSON.stringify({ alerts: batch });
    for (let attempt = 0; ; attempt++) {
      let retryAfterMs: number | undefined;
      let error: string;
      try {
        const res = await fetch(this.url, {
          method: 'POST',
          headers: this.headers,
          body,
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.stats.sent += batch.length;
          this.stats.batches++;
          return;
        }
        error = `HTTP ${res.status} from ${this.url.origin}`;
        if (!RETRYABLE(res.status)) {
          this.fail(batch, error);
          return;
        }
        const ra = Number(res.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra > 0) retryAfterMs = ra * 1000;
      } catch (err) {
        error = `${this.url.origin}: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (attempt >= this.opts.maxRetries) {
        this.fail(batch, `${error} (after ${attempt + 1} attempts)`);
        return;
      }
      this.stats.retries++;
      const backoff = retryAfterMs ?? this.opts.backoffMs * 2 ** attempt;
      await sleep(Math.min(backoff, this.opts.maxBackoffMs));
    }
  }

  private fail(batch: Alert[], error: string): void {
    this.stats.failed += batch.length;
    this.stats.lastError = error;
  }
}
