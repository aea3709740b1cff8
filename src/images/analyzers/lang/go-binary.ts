/**
 * Go build information embedded in compiled Go binaries (Go 1.18 and later).
 *
 * Format: the go command writes it and `debug/buildinfo` reads it
 * (https://pkg.go.dev/debug/buildinfo, https://pkg.go.dev/runtime/debug#BuildInfo; the text
 * form of the module lines is `BuildInfo.String` / `ParseBuildInfo`):
 *
 * - A 32-byte header at the start of the ELF section `.go.buildinfo` (or, in other executables,
 *   at a 16-byte-aligned offset of the data): the magic `\xff Go buildinf:` (14 bytes), the pointer
 *   size (1 byte), flags (1 byte: bit 0 big-endian, bit 1 "strings inline"), padding.
 * - With the inline flag (Go 1.18+): two strings follow, each prefixed by its length as an
 *   unsigned varint (https://protobuf.dev/programming-guides/encoding/#varints, Go's
 *   `binary.Uvarint`): the Go version (`go1.21.5`, possibly followed by ` X:experiment`), then the
 *   module information between two 16-byte sentinels. Without it (Go 1.13 to 1.17), the header
 *   holds pointers into the data segment: such binaries are reported as unsupported.
 * - Module information lines, tab-separated: `path <main package>`, `mod <path> <version> <sum>`
 *   (the main module), `dep <path> <version> <sum>`, `=> <path> <version> <sum>` (replacement of
 *   the line above; a local directory has no version), `build <key>=<value>`.
 *
 * Packages: the main module (skipped when `(devel)`, as a plain `go build` marks it), every `dep`
 * with its replacement applied (a local-directory replacement is dropped), and the Go standard
 * library as `stdlib` (the name OSV's Go advisories use) at the toolchain version written as a
 * module version (`go1.21.5` → `v1.21.5`, `go1.21rc2` → `v1.21.0-rc.2`). Versions keep their `v`
 * prefix; OSV's Go ranges omit it. Binaries built outside module mode (GOPATH builds, as Debian's
 * dh-golang does) carry only `path` and `build` lines: only stdlib comes out of them.
 *
 * Files that are not executables (scripts, data) and executables that are not Go return nothing
 * and no diagnostic: the path filter cannot tell them apart.
 */
import type { Collected, Diagnostic, Package } from '#core';
import type { Analyzer, FileInput } from '../../analyzer.ts';
import { goPackage } from './go-mod.ts';
import { isElf, readElf } from './lib/elf.ts';

const ID = 'lang/go-binary';
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const FLAG_INLINE = 0x2;
/** Module information is a few kilobytes to a few hundred; more is not build info. */
const MAX_STRING = 16 * 1024 * 1024;

/** Directory names under which images keep executables. */
const BIN_DIRS = new Set(['bin', 'sbin', 'libexec']);
/** Top-level directories where images commonly put a single application. */
const APP_ROOTS = ['opt/', 'app/', 'ko-app/', 'usr/local/', 'srv/'];
/** Extensions of files that are not Go executables. */
const NOT_BINARY =
  /\.(?:sh|bash|zsh|py|pyc|rb|pl|pm|php|js|mjs|cjs|ts|json|ya?ml|toml|xml|html?|css|txt|md|rst|conf|cfg|ini|properties|jar|war|class|a|o|h|c|go|mod|sum|lock|log|pem|crt|key|gz|tgz|xz|bz2|zst|zip|tar|png|jpe?g|gif|svg|ico|pdf|1|5|8)$/i;

export const goBinaryAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'Go',
  maxFileBytes: 200 * 1024 * 1024,

  matches(path: string): boolean {
    const slash = path.lastIndexOf('/');
    const base = path.slice(slash + 1);
    if (base === '' || NOT_BINARY.test(base)) {
      return false;
    }
    if (slash < 0) {
      return true; // a file at the root of the image, such as a distroless image's `/manager`
    }
    const dirs = path.slice(0, slash).split('/');
    return dirs.some((d) => BIN_DIRS.has(d)) || APP_ROOTS.some((root) => path.startsWith(root));
  },

  async analyze(file: FileInput): Promise<Collected<Package[]>> {
    const diagnostics: Diagnostic[] = [];
    const data = await file.read();
    const found = findBuildInfo(data);
    if (found === undefined) {
      return { value: [], diagnostics };
    }
    const info = decodeBuildInfo(found.blob);
    if (typeof info === 'string') {
      const unsupported = info.startsWith('unsupported');
      diagnostics.push({
        level: unsupported ? 'warning' : 'error',
        code: unsupported ? 'go-binary.unsupported' : 'go-binary.invalid',
        message: `Go build information at byte ${found.offset}: ${info}${found.truncated ? ' (the section is cut by the end of the file)' : ''}`,
        location: { file: file.path },
      });
      return { value: [], diagnostics };
    }
    const packages = buildInfoPackages(info, file, diagnostics);
    return { value: packages, diagnostics };
  },
};

/** What the build information header and strings hold. */
export interface GoBuildInfo {
  /** Toolchain version as written: `go1.21.5`, `go1.22.0 X:boringcrypto`, `devel go1.23-...`. */
  readonly goVersion: string;
  /** Module information text, sentinels removed (empty for GOPATH builds without modules). */
  readonly modInfo: string;
}

function findBuildInfo(data: Buffer): { blob: Buffer; offset: number; truncated: boolean } | undefined {
  if (isElf(data)) {
    const elf = readElf(data);
    if (typeof elf !== 'string') {
      const section = elf.sections.find((s) => s.name === '.go.buildinfo');
      if (!section) {
        return undefined; // an ELF executable that Go did not build
      }
      const blob = data.subarray(section.offset, section.offset + section.size);
      return { blob, offset: section.offset, truncated: section.truncated };
    }
    // No usable section headers (stripped with sstrip, or damaged): search the data.
  } else if (!isOtherExecutable(data)) {
    return undefined;
  }
  // The magic also occurs as a constant in programs that read build info themselves, so only a
  // 16-byte-aligned occurrence followed by a plausible header counts (as debug/buildinfo does).
  for (let at = data.indexOf(MAGIC); at >= 0; at = data.indexOf(MAGIC, at + 1)) {
    const ptrSize = data[at + 14];
    if (at % 16 === 0 && (ptrSize === 4 || ptrSize === 8)) {
      return { blob: data.subarray(at), offset: at, truncated: false };
    }
  }
  return undefined;
}

/** PE (`MZ`) and Mach-O (thin and universal) executables, in which Go binaries also come. */
function isOtherExecutable(data: Buffer): boolean {
  if (data.length < 4) {
    return false;
  }
  if (data[0] === 0x4d && data[1] === 0x5a) {
    return true;
  }
  const magic = data.readUInt32BE(0);
  return [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic);
}

/** Decodes the header and the two inline strings, or returns why it cannot. */
export function decodeBuildInfo(blob: Buffer): GoBuildInfo | string {
  if (blob.length < HEADER_SIZE) {
    return `header truncated (${blob.length} of ${HEADER_SIZE} bytes)`;
  }
  if (!blob.subarray(0, MAGIC.length).equals(MAGIC)) {
    return 'section does not start with the build information magic';
  }
  const flags = blob[15]!;
  if ((flags & FLAG_INLINE) === 0) {
    return 'unsupported build information format (pointers, written by Go 1.17 or older)';
  }
  let pos = HEADER_SIZE;
  const readBytes = (what: string): Buffer => {
    const len = readUvarint(blob, pos);
    if (typeof len === 'string') {
      throw new Error(`${what} length: ${len}`);
    }
    pos = len.next;
    if (len.value > MAX_STRING || pos + len.value > blob.length) {
      throw new Error(`${what} (${len.value} bytes at ${pos}) runs past the end of the data (${blob.length} bytes)`);
    }
    const bytes = blob.subarray(pos, pos + len.value);
    pos += len.value;
    return bytes;
  };
  try {
    const goVersion = readBytes('Go version').toString('utf8');
    let mod = readBytes('module information');
    // Sentinels: 16 bytes before and after, the last line ending in '\n' (debug/buildinfo's check).
    if (mod.length >= 33 && mod[mod.length - 17] === 0x0a) {
      mod = mod.subarray(16, mod.length - 16);
    }
    if (!goVersion.startsWith('go') && !goVersion.startsWith('devel')) {
      return `unexpected Go version string ${JSON.stringify(goVersion.slice(0, 40))}`;
    }
    return { goVersion, modInfo: mod.toString('utf8') };
  } catch (error) {
    return (error as Error).message;
  }
}

function readUvarint(data: Buffer, at: number): { value: number; next: number } | string {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const b = data[at + i];
    if (b === undefined) {
      return 'truncated varint';
    }
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      return Number.isSafeInteger(value) ? { value, next: at + i + 1 } : 'varint overflows';
    }
    scale *= 128;
  }
  return 'varint longer than 10 bytes';
}

/**
 * `go1.21.5` → `v1.21.5`, `go1.21` → `v1.21.0`, `go1.21rc2` → `v1.21.0-rc.2`; experiments
 * (` X:...`) dropped. Undefined for development toolchains (`devel ...`).
 */
export function goVersionToModuleVersion(goVersion: string): string | undefined {
  const word = goVersion.trim().split(/\s+/)[0] ?? '';
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?$/.exec(word);
  if (!m) {
    return undefined;
  }
  const core = `v${m[1]}.${m[2]}.${m[3] ?? '0'}`;
  return m[4] ? `${core}-${m[4]}.${m[5]}` : core;
}

interface ModLine {
  path: string;
  version: string;
  replacement?: { path: string; version: string };
  line: number;
}

function buildInfoPackages(info: GoBuildInfo, file: FileInput, diagnostics: Diagnostic[]): Package[] {
  const where = { file: file.path };
  const packages: Package[] = [];
  const push = (path: string, version: string): void => {
    const pkg = goPackage(path, version, ID, file);
    if (typeof pkg === 'string') {
      diagnostics.push({ level: 'error', code: 'go-binary.invalid-module', message: pkg, location: where });
    } else {
      packages.push(pkg);
    }
  };

  const std = goVersionToModuleVersion(info.goVersion);
  if (std) {
    push('stdlib', std);
  } else {
    diagnostics.push({
      level: 'info',
      code: 'go-binary.devel-toolchain',
      message: `built by Go toolchain ${JSON.stringify(info.goVersion.slice(0, 80))}, not a release: standard library not reported`,
      location: where,
    });
  }

  let main: ModLine | undefined;
  const deps: ModLine[] = [];
  let last: ModLine | undefined;
  const lines = info.modInfo.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text === '') {
      continue;
    }
    const fields = text.split('\t');
    const kind = fields[0];
    const bad = (message: string): void => {
      diagnostics.push({
        level: 'error',
        code: 'go-binary.invalid-module-line',
        message: `module information line ${i + 1} (${JSON.stringify(text.slice(0, 120))}): ${message}`,
        location: where,
      });
    };
    if (kind === 'mod' || kind === 'dep') {
      const [, path, version] = fields;
      if (!path || version === undefined || fields.length < 3 || fields.length > 4) {
        bad('expected "<path> <version> [<sum>]"');
        last = undefined;
        continue;
      }
      const mod: ModLine = { path, version, line: i + 1 };
      if (kind === 'mod') {
        main = mod;
      } else {
        deps.push(mod);
      }
      last = mod;
    } else if (kind === '=>') {
      const [, path, version] = fields;
      if (!path || version === undefined || fields.length < 3 || fields.length > 4) {
        bad('expected "=> <path> <version> [<sum>]"');
      } else if (!last) {
        bad('replacement without a module line above it');
      } else {
        last.replacement = { path, version };
      }
      last = undefined;
    }
    // `path`, `build` and lines of later formats carry no package.
  }

  if (main) {
    if (main.version === '(devel)' || main.version === '') {
      diagnostics.push({
        level: 'info',
        code: 'go-binary.devel-main-module',
        message: `main module ${main.path} has no release version (${main.version || 'empty'}); not reported`,
        location: where,
      });
    } else {
      push(main.path, main.version);
    }
  }
  for (const dep of deps) {
    const target = dep.replacement ?? dep;
    if (dep.replacement && dep.replacement.version === '') {
      diagnostics.push({
        level: 'info',
        code: 'go-binary.local-replace',
        message: `${dep.path} ${dep.version} is replaced by the local directory ${dep.replacement.path}; not matched against advisories`,
        location: where,
      });
      continue;
    }
    if (target.version === '(devel)') {
      // A module of the same source tree or workspace (Kubernetes' staging modules, for example).
      diagnostics.push({
        level: 'info',
        code: 'go-binary.devel-dependency',
        message: `dependency ${target.path} is built from the main source tree ((devel)); not reported`,
        location: where,
      });
      continue;
    }
    if (target.version === '') {
      diagnostics.push({
        level: 'warning',
        code: 'go-binary.no-version',
        message: `dependency ${target.path} has no version (module information line ${dep.line})`,
        location: where,
      });
      continue;
    }
    push(target.path, target.version);
  }
  return packages;
}
