import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '#core';
import type { ThreatEvent } from '../event.ts';
import { followEvents } from './follow.ts';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/threats/inputs/', import.meta.url));
const AUDIT = readFileSync(join(FIXTURES, 'kube-apiserver-v1.log'), 'utf8').trimEnd().split('\n');
const FALCO = readFileSync(join(FIXTURES, 'falco.jsonl'), 'utf8').trimEnd().split('\n');

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function start(
  path: string,
  fromStart: boolean,
): { events: ThreatEvent[]; diagnostics: Diagnostic[]; stop: () => Promise<void> } {
  const controller = new AbortController();
  const events: ThreatEvent[] = [];
  const diagnostics: Diagnostic[] = [];
  const done = (async () => {
    for await (const event of followEvents(path, {
      signal: controller.signal,
      pollMs: 20,
      fromStart,
      maxEventBytes: 4096,
      onDiagnostic: (d) => diagnostics.push(d),
    })) {
      events.push(event);
    }
  })();
  return {
    events,
    diagnostics,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

const id = (e: ThreatEvent | undefined): string | undefined =>
  e?.kind === 'audit' ? e.event.auditID : e?.kind === 'falco' ? e.falco.rule : undefined;

describe('followEvents', () => {
  it('starts at the end, yields appended complete lines only, and follows rename rotation', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-follow-'));
    const file = join(dir, 'audit.log');
    try {
      await writeFile(file, `${AUDIT[0]}\n`);
      const tail = start(file, false);
      await new Promise((resolve) => setTimeout(resolve, 60));
      // A line written in two parts comes out once, when complete.
      const second = AUDIT[1] ?? '';
      await appendFile(file, second.slice(0, 100));
      await new Promise((resolve) => setTimeout(resolve, 80));
      assert.equal(tail.events.length, 0);
      await appendFile(file, `${second.slice(100)}\nnot json\n${AUDIT[2]}\n`);
      await until(() => tail.events.length === 2, 'two appended events');
      assert.deepEqual(
        tail.events.map((e) => e.location.line),
        [2, 4],
      );
      assert.equal(id(tail.events[0]), JSON.parse(second).auditID);
      assert.deepEqual(
        tail.diagnostics.map((d) => [d.code, d.location.file, d.location.line]),
        [['threats.malformed-line', file, 3]],
      );

      // Rotation: the live file is renamed away and a new one created.
      await rename(file, `${file}.1`);
      await writeFile(file, `${FALCO[0]}\n${FALCO[1]}\n`);
      await until(() => tail.events.length === 4, 'events from the new file');
      assert.deepEqual(
        tail.events.slice(2).map((e) => [e.kind, e.location.line]),
        [
          ['falco', 1],
          ['falco', 2],
        ],
      );

      // copytruncate: the file shrinks and is written again from the start.
      await truncate(file, 0);
      await new Promise((resolve) => setTimeout(resolve, 60));
      await appendFile(file, `${AUDIT[0]}\n`);
      await until(() => tail.events.length === 5, 'the event after truncation');
      assert.deepEqual(tail.events[4]?.location, { file, line: 1 });
      await tail.stop();
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('reads existing lines with fromStart, waits for a file that is not there yet, and ends on abort', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-follow-'));
    const file = join(dir, 'falco.jsonl');
    try {
      const tail = start(file, true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await writeFile(file, `${FALCO[0]}\n`);
      await until(() => tail.events.length === 1, 'the first event');
      await appendFile(file, `${'x'.repeat(5000)}\n${FALCO[1]}\n`);
      await until(() => tail.events.length === 2, 'the event after an oversized line');
      assert.deepEqual(
        tail.events.map((e) => e.location.line),
        [1, 3],
      );
      assert.deepEqual(
        tail.diagnostics.map((d) => [d.code, d.location.line]),
        [['threats.oversized-event', 2]],
      );
      await tail.stop();
      await appendFile(file, `${FALCO[0]}\n`);
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.equal(tail.events.length, 2);

      const again = start(file, true);
      await until(() => again.events.length === 3, 'all lines from the start');
      assert.equal(id(again.events[2]), 'Terminal shell in container');
      await again.stop();
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
