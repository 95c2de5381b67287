/** UTF-8 byte length of a string. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** WeChat text messages are limited to 2048 bytes [verify]; stay a little below. */
export const MAX_TEXT_BYTES = 2000;

/**
 * Splits `text` into parts of at most `maxBytes` UTF-8 bytes, cutting at line breaks; a single
 * line longer than that is cut between characters (code points), never inside one.
 */
export function splitText(text: string, maxBytes: number = MAX_TEXT_BYTES): string[] {
  if (utf8Bytes(text) <= maxBytes) return [text];
  const parts: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current.trim() !== '') parts.push(current);
    current = '';
  };
  for (const line of text.split('\n')) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (utf8Bytes(candidate) <= maxBytes) {
      current = candidate;
      continue;
    }
    flush();
    if (utf8Bytes(line) <= maxBytes) {
      current = line;
      continue;
    }
    for (const char of line) {
      if (utf8Bytes(current) + utf8Bytes(char) > maxBytes) flush();
      current += char;
    }
  }
  flush();
  return parts;
}
