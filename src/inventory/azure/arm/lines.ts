/**
 * Source lines of JSON values by JSON pointer, so that each template resource can name its line.
 * One pass over the text (already accepted by JSON.parse), linear in its size: the requested
 * pointers form a trie, and only object keys under a requested prefix are decoded. Iterative (no
 * recursion), so deeply nested documents cannot exhaust the stack. When a key repeats, the last
 * occurrence wins, as with JSON.parse.
 */

type Segment = string | number;

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  readonly targets: number[];
}

interface Frame {
  readonly node: TrieNode | undefined;
  readonly isArray: boolean;
  index: number;
  key: string | undefined;
}

function newNode(): TrieNode {
  return { children: new Map(), targets: [] };
}

/**
 * For each pointer (e.g. ['resources', 3] or ['resources', 'kv']), the 1-based line where the value
 * at that pointer starts, or undefined when the text has no such value.
 */
export function jsonPointerLines(text: string, pointers: readonly (readonly Segment[])[]): (number | undefined)[] {
  const result: (number | undefined)[] = pointers.map(() => undefined);
  const root = newNode();
  pointers.forEach((pointer, i) => {
    let node = root;
    for (const segment of pointer) {
      const key = String(segment);
      let child = node.children.get(key);
      if (!child) {
        child = newNode();
        node.children.set(key, child);
      }
      node = child;
    }
    node.targets.push(i);
  });

  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const stack: Frame[] = [];

  const skipSpace = (): void => {
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === 10) line++;
      else if (c === 13) {
        if (text.charCodeAt(pos + 1) !== 10) line++;
      } else if (c !== 32 && c !== 9) return;
      pos++;
    }
  };
  /** Position just after the closing quote of the string starting at `pos`. */
  const stringEnd = (start: number): number => {
    let i = start + 1;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 92) i += 2;
      else if (c === 34) return i + 1;
      else i++;
    }
    return n;
  };

  /** Reads a value starting at `pos` for the trie node `node`; pushes a frame for containers. */
  const startValue = (node: TrieNode | undefined): boolean => {
    if (node) for (const t of node.targets) result[t] = line;
    const c = text[pos];
    if (c === '{' || c === '[') {
      stack.push({
        node: node && node.children.size > 0 ? node : undefined,
        isArray: c === '[',
        index: 0,
        key: undefined,
      });
      pos++;
      return true;
    }
    if (c === '"') {
      pos = stringEnd(pos);
      return true;
    }
    const start = pos;
    while (pos < n && !/[\s,\]}]/.test(text[pos]!)) pos++;
    return pos > start;
  };

  const childOf = (frame: Frame): TrieNode | undefined => {
    if (!frame.node) return undefined;
    return frame.node.children.get(frame.isArray ? String(frame.index) : (frame.key ?? ''));
  };

  skipSpace();
  if (pos >= n || !startValue(root)) return result;
  // After startValue: either inside a container (top frame) expecting its first member, or done.
  let expectMember = stack.length > 0;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    skipSpace();
    if (pos >= n) return result;
    const c = text[pos];
    if (expectMember) {
      // First member of a container, or the member after a comma.
      if (c === (frame.isArray ? ']' : '}')) {
        pos++;
        stack.pop();
        expectMember = false;
        continue;
      }
      if (!frame.isArray) {
        if (c !== '"') return result;
        const end = stringEnd(pos);
        if (frame.node) {
          const raw = text.slice(pos + 1, end - 1);
          try {
            frame.key = raw.includes('\\') ? (JSON.parse(text.slice(pos, end)) as string) : raw;
          } catch {
            return result;
          }
        }
        pos = end;
        skipSpace();
        if (text[pos] !== ':') return result;
        pos++;
        skipSpace();
      }
      const depthBefore = stack.length;
      if (!startValue(childOf(frame))) return result;
      expectMember = stack.length > depthBefore;
      continue;
    }
    // After a member value.
    if (c === ',') {
      pos++;
      if (frame.isArray) frame.index++;
      expectMember = true;
      continue;
    }
    if (c === (frame.isArray ? ']' : '}')) {
      pos++;
      stack.pop();
      expectMember = false;
      continue;
    }
    return result;
  }
  return result;
}
