/**
 * The virtual filesystem of an image: the final view after applying its layers in order, never
 * extracted to disk. Built from per-layer operations (see LayerOp) following the OCI layer changeset
 * rules (https://github.com/opencontainers/image-spec/blob/main/layer.md):
 * - an entry adds or replaces a path; a directory over a directory merges, anything else replaces
 *   (a file over a directory removes the directory's subtree);
 * - `.wh.<name>` removes `<name>` (and its subtree) from the lower layers;
 * - `.wh..wh..opq` in a directory removes every child the lower layers gave it;
 * - whiteouts of a layer apply only to lower layers (they are applied before the layer's entries,
 *   whatever their order in the tar); other `.wh..wh.*` names (aufs metadata) are ignored.
 * Parent directories that are symlinks in the view are followed (inside the root) when placing an
 * entry, as container runtimes do when they unpack; missing parents are created implicitly.
 *
 * Paths are '/'-separated without a leading '/'. Symlinks resolve inside the image root: an
 * absolute target starts at the root and `..` stops at the root, so nothing resolves outside it;
 * more than `maxSymlinkHops` hops is a loop. Each file records the layer (diff ID) its final
 * content came from. Contents are kept only for the files the reader was asked to keep.
 */
import type { Diagnostic } from '#core';

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

/** One path of the final view. */
export interface FsEntry {
  readonly path: string;
  readonly type: EntryType;
  /** Bytes of a file (its hard-link target's, for a hard link); 0 otherwise. */
  readonly size: number;
  readonly mode: number;
  /** Symlink target as written; for a hard link, the path it links to. */
  readonly linkTarget?: string;
  readonly hardlink?: boolean;
  /** Diff ID of the layer that wrote this path last (undefined for a root filesystem directory). */
  readonly layer?: string;
  /** Index of that layer (0 = base), -1 for implicit directories of a root filesystem. */
  readonly layerIndex: number;
  /** The content was kept (or can be read, for a root filesystem directory). */
  readonly readable: boolean;
  /** Why a wanted file's content is not available: 'too-large', 'retain-cap'. */
  readonly omitted?: string;
}

export type Resolution =
  | { readonly kind: 'found'; readonly path: string; readonly entry: FsEntry }
  | { readonly kind: 'absent' }
  | { readonly kind: 'loop'; readonly path: string };

/** The final view of an image or a root filesystem directory. */
export interface VirtualFs {
  /** Number of paths (directories included). */
  readonly size: number;
  /** The entry at `path` itself (a symlink is not followed; parents are). */
  stat(path: string): FsEntry | undefined;
  /** Follows symlinks (inside the root) to the entry `path` designates. */
  resolve(path: string): Resolution;
  /**
   * Content of the file `path` designates (symlinks followed), when it was kept; undefined when
   * absent, not a file, or not kept (not wanted, over its cap, or a loop).
   */
  readFile(path: string): Promise<Buffer | undefined>;
  /** Every path of the final view, depth first, children sorted by name. */
  entries(): IterableIterator<FsEntry>;
}

/** What a layer does to the view, in tar order. */
export type LayerOp =
  | { readonly kind: 'whiteout'; readonly path: string }
  | { readonly kind: 'opaque'; readonly dir: string }
  | {
      readonly kind: 'entry';
      readonly path: string;
      readonly type: EntryType | 'hardlink';
      readonly size: number;
      readonly mode: number;
      readonly linkTarget?: string;
      readonly content?: Buffer;
      readonly omitted?: string;
      readonly wanted: boolean;
    };

/** Where a node's bytes live: the tar entry (layer index, path) or a loader (root filesystems). */
export interface Origin {
  readonly layerIndex: number;
  readonly path: string;
}

export interface Node {
  type: EntryType;
  size: number;
  mode: number;
  linkTarget?: string;
  hardlink?: boolean;
  layer?: string;
  layerIndex: number;
  content?: Buffer;
  load?: () => Promise<Buffer>;
  omitted?: string;
  wanted: boolean;
  origin?: Origin;
  children?: Map<string, Node>;
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

type Walk =
  | { readonly kind: 'found'; readonly node: Node; readonly parts: readonly string[] }
  | {
      readonly kind: 'absent';
      readonly parent?: Node;
      readonly parentParts?: readonly string[];
      readonly name?: string;
    }
  | { readonly kind: 'loop'; readonly parts: readonly string[] };

/** Loads a wanted file's bytes from its layer when they were not kept in memory (see LayeredFs.fetcher). */
export type Fetcher = (node: Node) => Promise<Buffer | undefined>;

export class LayeredFs implements VirtualFs {
  readonly root: Node = { type: 'dir', size: 0, mode: 0o755, layerIndex: -1, wanted: false, children: new Map() };
  readonly maxHops: number;
  /**
   * Set by the reader while its image is open: loads a wanted file (or the target of a wanted link)
   * whose bytes were not kept, from its layer. readFile uses it; entries report such files readable.
   */
  fetcher: Fetcher | undefined;
  constructor(maxHops: number) {
    this.maxHops = maxHops;
  }

  /** Whether readFile can give `node`'s bytes (kept, loadable from disk, or fetchable from its layer). */
  readable(node: Node): boolean {
    return (
      node.content !== undefined ||
      node.load !== undefined ||
      (this.fetcher !== undefined && node.type === 'file' && node.wanted && !node.omitted && node.origin !== undefined)
    );
  }

  get size(): number {
    let count = 0;
    for (const _ of this.entries()) {
      count++;
    }
    return count;
  }

  /** Walks `path`, following symlinks in parents always and in the last component when asked. */
  walk(path: string, followLast: boolean): Walk {
    let pending = splitPath(path);
    const nodes: Node[] = [this.root];
    const parts: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending[0]!;
      pending = pending.slice(1);
      if (part === '..') {
        if (parts.length > 0) {
          parts.pop();
          nodes.pop();
        }
        continue;
      }
      const current = nodes[nodes.length - 1]!;
      const child = current.children?.get(part);
      if (!child) {
        return pending.length === 0
          ? { kind: 'absent', parent: current, parentParts: [...parts], name: part }
          : { kind: 'absent' };
      }
      if (child.type === 'symlink' && (pending.length > 0 || followLast)) {
        hops++;
        if (hops > this.maxHops) {
          return { kind: 'loop', parts: [...parts, part, ...pending] };
        }
        const target = child.linkTarget ?? '';
        if (target.startsWith('/')) {
          parts.length = 0;
          nodes.length = 1;
        }
        pending = [...splitPath(target), ...pending];
        continue;
      }
      if (pending.length > 0 && child.type !== 'dir') {
        return { kind: 'absent' };
      }
      parts.push(part);
      nodes.push(child);
    }
    return { kind: 'found', node: nodes[nodes.length - 1]!, parts };
  }

  stat(path: string): FsEntry | undefined {
    const walk = this.walk(path, false);
    return walk.kind === 'found' ? this.toEntry(walk.parts.join('/'), walk.node) : undefined;
  }

  resolve(path: string): Resolution {
    const walk = this.walk(path, true);
    if (walk.kind === 'found') {
      return { kind: 'found', path: walk.parts.join('/'), entry: this.toEntry(walk.parts.join('/'), walk.node) };
    }
    if (walk.kind === 'loop') {
      return { kind: 'loop', path: walk.parts.join('/') };
    }
    return { kind: 'absent' };
  }

  /** The node `path` designates (symlinks followed), for the reader. */
  resolveNode(path: string): Node | undefined {
    const walk = this.walk(path, true);
    return walk.kind === 'found' ? walk.node : undefined;
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    const node = this.resolveNode(path);
    if (node?.type !== 'file') {
      return undefined;
    }
    if (node.content) {
      return node.content;
    }
    if (node.load) {
      return node.load();
    }
    if (!this.fetcher || node.omitted || !node.origin) {
      return undefined;
    }
    // The file itself is wanted, or it is the target of a wanted link.
    const self = this.walk(path, false);
    return node.wanted || (self.kind === 'found' && self.node.wanted) ? this.fetcher(node) : undefined;
  }

  *entries(): IterableIterator<FsEntry> {
    for (const [path, node] of walkNodes(this.root, '')) {
      yield this.toEntry(path, node);
    }
  }

  private toEntry(path: string, node: Node): FsEntry {
    return toEntry(path, node, this.readable(node));
  }

  /** Every node with its path, depth first (for the reader's follow-up work). */
  *nodes(): IterableIterator<[string, Node]> {
    yield* walkNodes(this.root, '');
  }

  /** The node at canonical path parts (no symlinks followed). */
  private nodeAt(parts: readonly string[]): Node | undefined {
    let node: Node | undefined = this.root;
    for (const part of parts) {
      node = node?.children?.get(part);
    }
    return node;
  }

  /**
   * Directory node for `dir`, creating missing directories the way an unpacking runtime does: a
   * symlinked component is followed (inside the root) and its target created if missing; a
   * non-directory in the way is replaced. Undefined on a symlink loop.
   */
  ensureDir(
    dir: string,
    layerIndex: number,
    layer: string | undefined,
    hops = 0,
  ): { node: Node; path: string } | undefined {
    let node = this.root;
    let parts: string[] = [];
    for (const part of splitPath(dir)) {
      if (part === '..') {
        parts.pop();
        node = this.nodeAt(parts) ?? this.root;
        continue;
      }
      const child = node.children?.get(part);
      if (child?.type === 'dir') {
        node = child;
        parts.push(part);
        continue;
      }
      if (child?.type === 'symlink') {
        if (hops >= this.maxHops) {
          return undefined;
        }
        const target = child.linkTarget ?? '';
        const resolved = this.ensureDir(
          target.startsWith('/') ? target : [...parts, target].join('/'),
          layerIndex,
          layer,
          hops + 1,
        );
        if (!resolved) {
          return undefined;
        }
        node = resolved.node;
        parts = splitPath(resolved.path);
        continue;
      }
      const created: Node = {
        type: 'dir',
        size: 0,
        mode: 0o755,
        layerIndex,
        wanted: false,
        children: new Map(),
        ...(layer ? { layer } : {}),
      };
      node.children!.set(part, created);
      node = created;
      parts.push(part);
    }
    return { node, path: parts.join('/') };
  }

  /**
   * Applies one layer's operations: whiteouts and opaque markers against the lower layers first,
   * then the entries in order. Returns a diagnostic message for each operation it could not apply.
   */
  applyLayer(
    layerIndex: number,
    layer: string | undefined,
    ops: readonly LayerOp[],
  ): { path: string; code: string; message: string }[] {
    const problems: { path: string; code: string; message: string }[] = [];
    for (const op of ops) {
      if (op.kind === 'opaque') {
        const walk = this.walk(op.dir, true);
        if (walk.kind === 'found' && walk.node.type === 'dir') {
          walk.node.children = new Map();
        }
      } else if (op.kind === 'whiteout') {
        const walk = this.walk(op.path, false);
        if (walk.kind === 'found' && walk.parts.length > 0) {
          const parent = this.walk(walk.parts.slice(0, -1).join('/'), false);
          if (parent.kind === 'found') {
            parent.node.children?.delete(walk.parts[walk.parts.length - 1]!);
          }
        }
      }
    }
    for (const op of ops) {
      if (op.kind !== 'entry') {
        continue;
      }
      const parts = splitPath(op.path);
      const name = parts.pop();
      if (name === undefined) {
        continue;
      }
      const parent = this.ensureDir(parts.join('/'), layerIndex, layer);
      if (!parent) {
        problems.push({
          path: op.path,
          code: 'image.symlink-parent',
          message: `a parent of ${op.path} is a symlink that does not resolve (loop); the entry is skipped`,
        });
        continue;
      }
      const existing = parent.node.children!.get(name);
      const base = { mode: op.mode, layerIndex, wanted: op.wanted, ...(layer ? { layer } : {}) };
      if (op.type === 'dir') {
        if (existing?.type === 'dir') {
          existing.mode = op.mode;
          existing.layerIndex = layerIndex;
          if (layer) {
            existing.layer = layer;
          }
          continue;
        }
        parent.node.children!.set(name, { ...base, type: 'dir', size: 0, children: new Map() });
        continue;
      }
      if (op.type === 'hardlink') {
        const target = this.walk(op.linkTarget ?? '', false);
        if (target.kind !== 'found' || target.node.type !== 'file') {
          problems.push({
            path: op.path,
            code: 'image.unsupported-entry',
            message: `hard link ${op.path} points to ${op.linkTarget ?? ''}, which is not a file of the image; the entry is skipped`,
          });
          continue;
        }
        const source = target.node;
        const node: Node = {
          ...base,
          type: 'file',
          size: source.size,
          hardlink: true,
          linkTarget: target.parts.join('/'),
          ...(source.content ? { content: source.content } : {}),
          ...(source.load ? { load: source.load } : {}),
          ...(source.origin ? { origin: source.origin } : {}),
          ...(source.omitted ? { omitted: source.omitted } : {}),
        };
        parent.node.children!.set(name, node);
        continue;
      }
      const node: Node = {
        ...base,
        type: op.type,
        size: op.type === 'file' ? op.size : 0,
        origin: { layerIndex, path: op.path },
        ...(op.linkTarget !== undefined ? { linkTarget: op.linkTarget } : {}),
        ...(op.content ? { content: op.content } : {}),
        ...(op.omitted ? { omitted: op.omitted } : {}),
      };
      parent.node.children!.set(name, node);
    }
    return problems;
  }
}

function toEntry(path: string, node: Node, readable: boolean): FsEntry {
  return {
    path,
    type: node.type,
    size: node.size,
    mode: node.mode,
    ...(node.linkTarget !== undefined ? { linkTarget: node.linkTarget } : {}),
    ...(node.hardlink ? { hardlink: true } : {}),
    ...(node.layer ? { layer: node.layer } : {}),
    layerIndex: node.layerIndex,
    readable,
    ...(node.omitted ? { omitted: node.omitted } : {}),
  };
}

function* walkNodes(node: Node, prefix: string): IterableIterator<[string, Node]> {
  if (!node.children) {
    return;
  }
  for (const name of [...node.children.keys()].sort()) {
    const child = node.children.get(name)!;
    const path = prefix === '' ? name : `${prefix}/${name}`;
    yield [path, child];
    yield* walkNodes(child, path);
  }
}

/** Diagnostics helper: the location of a path in a layer of an image. */
export function entryLocation(
  image: string,
  layerIndex: number,
  diffId: string | undefined,
  path: string,
): Diagnostic['location'] {
  return { file: image, path: diffId ? `layer ${layerIndex + 1} (${diffId}) ${path}` : path };
}
