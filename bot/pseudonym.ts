import { createHmac, randomBytes } from 'node:crypto';

/**
 * Pseudonyms for residents' identifiers in log lines: OpenIDs, channel user ids and conversation
 * ids become `~` and 12 letters, a keyed hash (HMAC-SHA256), so one resident's lines still group
 * together but nobody reading the logs can tell who it was or look an OpenID up. Letters only,
 * so no pseudonym ever looks like a phone or ID number to the masker that runs after it.
 */
export type Pseudonymiser = (id: string) => string;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const LENGTH = 12;
/** Pseudonyms remembered per process (residents active at once); cleared when full. */
const CACHE_SIZE = 10_000;

/** A pseudonymiser for `key`; without one, a random key of this process (pseudonyms change on restart). */
export function createPseudonymiser(key?: string): Pseudonymiser {
  const secret = key ?? randomBytes(32);
  const cache = new Map<string, string>();
  return (id) => {
    const known = cache.get(id);
    if (known) return known;
    const digest = createHmac('sha256', secret).update(id).digest();
    let name = '~';
    for (let i = 0; i < LENGTH; i++) name += LETTERS[(digest[i] ?? 0) % LETTERS.length];
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(id, name);
    return name;
  };
}

// WeChat OpenIDs and UnionIDs (28 characters from "o"), and personal WeChat ids (wxid_…), wherever they appear.
const OPENID = /(?<![A-Za-z0-9_-])(?:o[A-Za-z0-9_-]{27}|wxid_[A-Za-z0-9_-]{6,40})(?![A-Za-z0-9_-])/g;
// Fields that name a resident whatever their value looks like (test ids, Wechaty contact ids).
const IDENTITY_FIELD = /"(user(?:Id)?|open[iI]d|FromUserName|touser|talker(?:Id)?|contactId|conversation(?:Id)?)":"([^"\\]*(?:\\.[^"\\]*)*)"/g;
// Conversation ids keep their channel ("wechat-mp:~…"), so the line still says where it came from.
const CONVERSATION_FIELDS = new Set(['conversation', 'conversationId']);
const CHANNEL_PREFIX = /^(wechat-mp|wechaty|web|cli|test):/;

function pseudonymiseValue(field: string, value: string, pseudonym: Pseudonymiser): string {
  if (value === '' || value.startsWith('~')) return value;
  if (CONVERSATION_FIELDS.has(field)) {
    const channel = CHANNEL_PREFIX.exec(value)?.[1];
    if (channel) {
      const rest = value.slice(channel.length + 1);
      return rest.startsWith('~') ? value : `${channel}:${pseudonym(rest)}`;
    }
  }
  return pseudonym(value);
}

/** Replaces residents' identifiers in one serialised JSON log line with their pseudonyms. */
export function pseudonymiseLine(line: string, pseudonym: Pseudonymiser): string {
  return line
    .replace(OPENID, (id) => pseudonym(id))
    .replace(IDENTITY_FIELD, (_m, field: string, value: string) => `"${field}":"${pseudonymiseValue(field, value, pseudonym)}"`);
}
