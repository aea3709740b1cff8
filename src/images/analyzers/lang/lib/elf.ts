/**
 * Minimal ELF section-header reader, for the Go binary analyzer: finds a named section's bytes.
 *
 * Format: System V ABI, "Object Files" chapter (ELF header, section header table)
 * https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html and
 * https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.sheader.html.
 * 32- and 64-bit classes, both byte orders, extended section numbering (e_shnum = 0 and
 * e_shstrndx = SHN_XINDEX keep the real values in section 0). Every offset is bounds-checked:
 * a truncated or hostile file gives a reason string, never an exception.
 */

export const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

export interface ElfSection {
  readonly name: string;
  readonly type: number;
  readonly addr: bigint;
  readonly offset: number;
  readonly size: number;
  /** The section's data runs past the end of the file (size is what is there). */
  readonly truncated: boolean;
}

export interface ElfFile {
  readonly is64: boolean;
  readonly littleEndian: boolean;
  readonly sections: readonly ElfSection[];
}

const SHT_NOBITS = 8;
const SHN_XINDEX = 0xffff;
/** More sections than any real binary has; bounds the work on hostile headers. */
const MAX_SECTIONS = 65536;

export function isElf(data: Buffer): boolean {
  return data.length >= 4 && data.subarray(0, 4).equals(ELF_MAGIC);
}

/** Reads the section headers, or returns why it cannot. */
export function readElf(data: Buffer): ElfFile | string {
  if (!isElf(data)) {
    return 'not an ELF file';
  }
  if (data.length < 52) {
    return 'ELF header truncated';
  }
  const cls = data[4];
  const enc = data[5];
  if (cls !== 1 && cls !== 2) {
    return `unknown ELF class ${cls}`;
  }
  if (enc !== 1 && enc !== 2) {
    return `unknown ELF data encoding ${enc}`;
  }
  const is64 = cls === 2;
  const le = enc === 1;
  const u16 = (o: number): number => (le ? data.readUInt16LE(o) : data.readUInt16BE(o));
  const u32 = (o: number): number => (le ? data.readUInt32LE(o) : data.readUInt32BE(o));
  const u64 = (o: number): bigint => (le ? data.readBigUInt64LE(o) : data.readBigUInt64BE(o));
  const word = (o: number): bigint => (is64 ? u64(o) : BigInt(u32(o)));
  if (is64 && data.length < 64) {
    return 'ELF header truncated';
  }

  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  let shnum = u16(is64 ? 0x3c : 0x30);
  let shstrndx = u16(is64 ? 0x3e : 0x32);
  if (shoff === 0n) {
    return 'no section header table';
  }
  const minEntry = is64 ? 64 : 40;
  if (shentsize < minEntry) {
    return `section header entry size ${shentsize} is smaller than ${minEntry}`;
  }
  if (shoff + BigInt(shentsize) > BigInt(data.length)) {
    return `section header table at ${shoff} is past the end of the file (${data.length} bytes)`;
  }
  const base = Number(shoff);

  const header = (
    index: number,
  ): { name: number; type: number; addr: bigint; offset: bigint; size: bigint; link: number } => {
    const o = base + index * shentsize;
    return is64
      ? { name: u32(o), type: u32(o + 4), addr: u64(o + 16), offset: u64(o + 24), size: u64(o + 32), link: u32(o + 40) }
      : {
          name: u32(o),
          type: u32(o + 4),
          addr: BigInt(u32(o + 12)),
          offset: BigInt(u32(o + 16)),
          size: BigInt(u32(o + 20)),
          link: u32(o + 24),
        };
  };

  // Extended numbering: the real counts live in section 0.
  if (shnum === 0 || shstrndx === SHN_XINDEX) {
    const zero = header(0);
    if (shnum === 0) {
      shnum = Number(zero.size > BigInt(MAX_SECTIONS) ? BigInt(MAX_SECTIONS + 1) : zero.size);
    }
    if (shstrndx === SHN_XINDEX) {
      shstrndx = zero.link;
    }
  }
  if (shnum > MAX_SECTIONS) {
    return `too many sections (${shnum})`;
  }
  if (base + shnum * shentsize > data.length) {
    return `section header table (${shnum} entries) runs past the end of the file`;
  }
  if (shstrndx >= shnum) {
    return `section name table index ${shstrndx} is out of range`;
  }

  const raw = Array.from({ length: shnum }, (_, i) => header(i));
  const strtab = raw[shstrndx]!;
  if (strtab.offset + strtab.size > BigInt(data.length)) {
    return 'section name table runs past the end of the file';
  }
  const names = data.subarray(Number(strtab.offset), Number(strtab.offset + strtab.size));

  const sections: ElfSection[] = raw.map((h) => {
    let name = '';
    if (h.name < names.length) {
      const end = names.indexOf(0, h.name);
      name = names.toString('latin1', h.name, end < 0 ? names.length : end);
    }
    // Sections without file data read as empty; data cut by the end of the file is clamped (the
    // caller sees a short section and says so).
    const length = BigInt(data.length);
    const hasData = h.type !== SHT_NOBITS && h.offset < length;
    const end = h.offset + h.size > length ? length : h.offset + h.size;
    return {
      name,
      type: h.type,
      addr: h.addr,
      offset: hasData ? Number(h.offset) : 0,
      size: hasData ? Number(end - h.offset) : 0,
      truncated: hasData && h.offset + h.size > length,
    };
  });
  return { is64, littleEndian: le, sections };
}
