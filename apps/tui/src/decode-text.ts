/**
 * A file's bytes as text, in the encoding its byte-order mark names: UTF-16 (little- or big-endian),
 * as Windows PowerShell's `>` and `Out-File` write, or UTF-8 with or without a mark. The mark itself
 * is dropped, so `JSON.parse` and the CSV reader never see it.
 */
export function decodeText(bytes: Uint8Array): string {
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : 'utf-8';
  // TextDecoder drops the byte-order mark of the encoding it decodes.
  return new TextDecoder(encoding).decode(bytes);
}
