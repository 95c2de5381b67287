/** Text splitting below WeChat's size limit, shared by passive replies and customer-service messages. */

/** WeChat's documented limit on a text reply, in UTF-8 bytes. */
export const DEFAULT_TEXT_LIMIT_BYTES = 2048;

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/** Splits one over-long line at code-point boundaries, never inside a character. */
function splitLine(line: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let current = '';
  let size = 0;
  for (const char of line) {
    const n = byteLength(char);
    if (size + n > maxBytes && current) {
      pieces.push(current);
      current = '';
      size = 0;
    }
    current += char;
    size += n;
  }
  if (current) pieces.push(current);
  return pieces;
}

/**
 * Splits text into chunks of at most `maxBytes` UTF-8 bytes, breaking at line ends; a single
 * line longer than the limit is broken between characters.
 */
export function splitText(text: string, maxBytes: number = DEFAULT_TEXT_LIMIT_BYTES): string[] {
  if (maxBytes < 4) throw new RangeError('maxBytes must fit one UTF-8 character (≥ 4)');
  if (byteLength(text) <= maxBytes) return [text];
  const chunks: string[] = [];
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const candidate = current === undefined ? line : `${current}\n${line}`;
    if (byteLength(candidate) <= maxBytes) {
      current = candidate;
      continue;
    }
    if (current !== undefined) chunks.push(current);
    if (byteLength(line) <= maxBytes) {
      current = line;
    } else {
      const pieces = splitLine(line, maxBytes);
      current = pieces.pop();
      chunks.push(...pieces);
    }
  }
  if (current !== undefined) chunks.push(current);
  return chunks;
}
