import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { outboundAsText } from '../../bot/message';
import { FlowDefinitionError, DEFAULT_FLOWS_DIR } from '../../flows/loader';
import { cleanUpPrefix, REDIS_URL, testPrefix } from '../contract/redis-test-env';

const prefix = testPrefix('versions');
const dir = (name: string) => fileURLToPath(new URL(`../fixtures/flows/${name}`, import.meta.url));
const opened: Composed[] = [];

async function instance(version: 'v1' | 'v2', env: Record<string, string> = { REDIS_URL, KEY_PREFIX: prefix }): Promise<Composed> {
  const composed = await composeBot({ env, logger: silentLogger(), flowsDirs: [DEFAULT_FLOWS_DIR, dir(version)] });
  opened.push(composed);
  return composed;
}

function send(c: Composed, user: string, text: string) {
  return c.bot.handle({ kind: 'text', text, id: randomUUID(), channel: 'test', userId: user, conversationId: `test:${user}`, receivedAt: Date.now() }).then((r) => r.replies.map(outboundAsText));
}

afterAll(async () => {
  for (const c of opened) await c.close();
  await cleanUpPrefix(prefix);
});

describe('flow versions', () => {
  it('a conversation started on version 1 finishes on version 1 after version 2 is deployed', async () => {
    const old = await instance('v1');
    await send(old, 'u1', '满意度调查');
    expect(await send(old, 'u1', '5')).toEqual(['版本一：请说说原因。']);

    const updated = await instance('v2');
    // New conversations start on version 2 …
    await send(updated, 'u2', '满意度调查');
    expect(await send(updated, 'u2', '4')).toEqual(['版本二：为什么打这个分？']);
    // … while the one in progress goes on with version 1 on the new instance.
    await send(old, 'u3', '满意度调查');
    expect(await send(updated, 'u3', '3')).toEqual(['版本一：请说说原因。']);
    expect(await send(updated, 'u1', '态度很好')).toEqual(['谢谢，您打了5分。']);
  });

  it('state of a version that no longer exists is dropped with a polite restart, never misread', async () => {
    // Memory state: this instance has only ever seen version 2; give it a session on version 1.
    const fresh = await instance('v2', {});
    await send(fresh, 'u4', '满意度调查');
    const key = 'test:u4';
    const session = (await fresh.stores.sessions.get(key)) as { frames: { version: number }[] };
    session.frames[0]!.version = 1;
    await fresh.stores.sessions.set(key, session, 3600);
    expect(await send(fresh, 'u4', '5')).toEqual(['这项服务刚刚更新过，我们从头开始吧。', '请给这次服务打分（1到5分）。']);
  });

  it('changing a published version without raising its number is refused at start-up', async () => {
    await instance('v1');
    const { mkdtemp, writeFile, readFile } = await import('node:fs/promises');
    const changed = await mkdtemp(`${(await import('node:os')).tmpdir()}/banshi-flows-`);
    await writeFile(`${changed}/survey.yaml`, (await readFile(`${dir('v1')}/survey.yaml`, 'utf8')).replace('版本一', '版本一（改）'));
    await expect(composeBot({ env: { REDIS_URL, KEY_PREFIX: prefix }, logger: silentLogger(), flowsDirs: [DEFAULT_FLOWS_DIR, changed] })).rejects.toThrow(
      new FlowDefinitionError(['flow "survey": version 1 is already published with different content; raise its version']),
    );
  });
});
