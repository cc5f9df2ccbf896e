/** Streaming text decoders for the encodings `detectEncoding` tells apart. */
import { isAscii } from "node:buffer";
import iconv from "iconv-lite";
import { CsvEncodingError } from "./csvErrors.js";
import { completeUtf8Length, detectEncoding, hasUtf8Bom, type CsvEncoding } from "./detectEncoding.js";

export interface StreamDecoder {
  /** Decodes the next bytes; a character cut at the end is kept for the next call. */
  write(bytes: Uint8Array): string;
  /** Flushes what is left at the end of the input. */
  end(): string;
}

/**
 * A decoder for one encoding; the UTF-8 BOM is dropped. Bytes the encoding does not map become
 * U+FFFD, which `readCsvFile` refuses at the row it is in (a decoder that threw could not say
 * which row). CP932: see `createCp932Decoder`.
 */
export function createDecoder(encoding: CsvEncoding): StreamDecoder {
  if (encoding === "cp932") return createCp932Decoder();
  const decoder = new TextDecoder("utf-8", { ignoreBOM: false });
  const stream = { stream: true };
  return { write: (bytes) => decoder.decode(bytes, stream), end: () => decoder.decode() };
}

/**
 * A CP932 decoder: second bytes of 0x5C (表, ソ) and the NEC/IBM vendor characters (①, ㈱, 髙)
 * included. Node's own Shift_JIS decoder (ICU, CP932 in practice) is about three times faster than
 * iconv-lite, so it is used when this Node has it and it reads a sample of those characters as
 * iconv-lite does; otherwise (a Node built without full ICU) iconv-lite. The two differ only on
 * the control bytes 0x1A, 0x1C and 0x7F (ICU's IBM-943 table swaps them), which CSV text lacks.
 * Both turn bytes CP932 does not map (0xA0, 0xFD, a lead byte without its second byte) into U+FFFD.
 */
export function createCp932Decoder(useNative = NATIVE_SHIFT_JIS): StreamDecoder {
  if (useNative) {
    const decoder = new TextDecoder("shift_jis");
    const stream = { stream: true };
    return { write: (bytes) => decoder.decode(bytes, stream), end: () => decoder.decode() };
  }
  const decoder = iconv.getDecoder("cp932");
  return { write: (bytes) => decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), end: () => decoder.end() ?? "" };
}

const NATIVE_SHIFT_JIS = nativeShiftJisWorks();

function nativeShiftJisWorks(): boolean {
  const sample = "表ソ能予①㈱髙﨑塚神ｶﾀｶﾅ\\~,\"\r\n";
  try {
    return new TextDecoder("shift_jis").decode(iconv.encode(sample, "cp932")) === sample;
  } catch {
    return false; // no Shift_JIS in this build's ICU
  }
}

/**
 * A decoder that detects the encoding itself. While the bytes are plain ASCII (the same in every
 * candidate encoding) it waits; the first bytes beyond ASCII decide, so a CP932 file whose first
 * megabyte happens to be ASCII is not mistaken for UTF-8.
 */
export class AutoDecoder implements StreamDecoder {
  private decoder: StreamDecoder | null = null;
  private detected: CsvEncoding | null = null;
  private pending: Uint8Array | null = null;
  private seen = 0;

  /** The encoding found; "utf-8" while everything so far was ASCII. */
  get encoding(): CsvEncoding {
    return this.detected ?? "utf-8";
  }

  write(bytes: Uint8Array): string {
    if (this.decoder) return this.decoder.write(bytes);
    const data = this.pending ? Buffer.concat([this.pending, bytes]) : bytes;
    const atStart = this.seen === 0;
    this.pending = null;
    if (atStart && data.length < 3 && isBomPrefix(data)) {
      this.pending = Uint8Array.from(data);
      return "";
    }
    if (atStart && data.length >= 2 && ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))) {
      throw new CsvEncodingError("the file is UTF-16 (Excel's \"Unicode text\"): save it as \"CSV UTF-8\" or \"CSV\" (Shift_JIS)", 0);
    }
    this.seen += data.length;
    if (atStart && hasUtf8Bom(data)) return this.decide("utf-8-bom").write(data);
    if (isAscii(data)) return asciiText(data);
    // A multi-byte sequence cut at the end of all-ASCII bytes is not yet evidence either way.
    const end = completeUtf8Length(data);
    if (end < data.length && isAscii(data.subarray(0, end))) {
      this.pending = Uint8Array.from(data.subarray(end));
      this.seen -= this.pending.length;
      return asciiText(data.subarray(0, end));
    }
    return this.decide(detectEncoding(data)).write(data);
  }

  end(): string {
    if (!this.decoder) {
      const rest = this.pending;
      this.pending = null;
      if (!rest || rest.length === 0) return "";
      const text = this.decide(detectEncoding(rest, true)).write(rest);
      return text + this.decoder!.end();
    }
    return this.decoder.end();
  }

  private decide(encoding: CsvEncoding): StreamDecoder {
    this.detected = encoding;
    this.decoder = createDecoder(encoding);
    return this.decoder;
  }
}

/** One or two bytes that may be the start of a UTF-8 BOM, or a lone first byte of a UTF-16 one. */
function isBomPrefix(bytes: Uint8Array): boolean {
  if (bytes.length === 1) return bytes[0] === 0xef || bytes[0] === 0xff || bytes[0] === 0xfe;
  return bytes[0] === 0xef && bytes[1] === 0xbb;
}

function asciiText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}
