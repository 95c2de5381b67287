import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../bot/logger';
import { newSession } from '../../../bot/session';
import { compose, type Middleware, type Turn } from '../../../bot/turn';

const NOW = Date.parse('2026-12-01T10:00:00+08:00');

function turn(): Turn {
  return {
    message: { kind: 'text', text: '你好', id: 'm1', channel: 'test', userId: 'u1', conversationId: 'test:u1', receivedAt: NOW },
    text: '你好',
    now: NOW,
    log: createLogger({ level: 'silent' }),
    session: newSession(NOW),
    forget: false,
    replies: [],
    effects: [],
    entered: [],
    records: [],
    afterCommit: [],
    trace: {},
    duplicate: false,
  };
}

/** A middleware that records entering and leaving around `next`. */
const around =
  (name: string, log: string[]): Middleware =>
  async (_turn, next) => {
    log.push(`${name}>`);
    await next();
    log.push(`<${name}`);
  };

describe('compose', () => {
  it('runs middlewares in order, each around the rest (onion order)', async () => {
    const log: string[] = [];
    await compose([around('a', log), around('b', log), around('c', log)])(turn());
    expect(log).toEqual(['a>', 'b>', 'c>', '<c', '<b', '<a']);
  });

  it('a middleware that does not call next stops the chain', async () => {
    const log: string[] = [];
    const stop: Middleware = async (t) => {
      log.push('stop');
      t.replies.push({ kind: 'text', text: '停' });
    };
    const t = turn();
    await compose([around('a', log), stop, around('never', log)])(t);
    expect(log).toEqual(['a>', 'stop', '<a']);
    expect(t.replies).toEqual([{ kind: 'text', text: '停' }]);
  });

  it('every middleware sees the same turn', async () => {
    const t = turn();
    const seen: Turn[] = [];
    const record: Middleware = async (x, next) => {
      seen.push(x);
      await next();
    };
    await compose([record, record])(t);
    expect(seen).toEqual([t, t]);
  });

  it('calling next twice rejects', async () => {
    const twice: Middleware = async (_t, next) => {
      await next();
      await next();
    };
    await expect(compose([twice, async () => undefined])(turn())).rejects.toThrow(/^compose\(\): next\(\) called twice/);
  });

  it('an error thrown downstream reaches the caller through upstream middlewares', async () => {
    const log: string[] = [];
    const boom: Middleware = async () => {
      throw new Error('boom');
    };
    const guard: Middleware = async (_t, next) => {
      try {
        await next();
      } catch (error) {
        log.push(`caught ${(error as Error).message}`);
        throw error;
      }
    };
    await expect(compose([guard, boom])(turn())).rejects.toThrow('boom');
    expect(log).toEqual(['caught boom']);
  });

  it('an empty chain resolves', async () => {
    await expect(compose([])(turn())).resolves.toBeUndefined();
  });
});
