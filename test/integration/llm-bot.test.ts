import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../bot/clock';
import { composeBot, type Composed } from '../../bot/compose';
import { silentLogger } from '../../bot/logger';
import { outboundAsText, type InboundMessage } from '../../bot/message';
import { startFakeOpenAi, type FakeAnswer, type FakeOpenAi } from '../fakes/openai-chat';

/**
 * The composed bot with LLM_* pointing at a fake OpenAI-compatible endpoint on loopback: the LLM
 * is asked only when the offline reading is unsure, its commands are applied, and a model that
 * never answers cannot hold the turn past its deadline (the offline reading answers).
 */

let fake: FakeOpenAi | undefined;
let composed: Composed | undefined;
afterEach(async () => {
  await composed?.close();
  await fake?.close();
  composed = undefined;
  fake = undefined;
});

async function botWith(answer: () => FakeAnswer, timeoutMs = 300) {
  fake = await startFakeOpenAi(answer);
  const clock = new ManualClock(Date.parse('2026-12-01T10:00:00+08:00'));
  composed = await composeBot({
    env: { LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'qwen-plus', LLM_API_KEY: 'sk-test', LLM_TIMEOUT_MS: String(timeoutMs) },
    clock,
    logger: silentLogger(),
  });
  let n = 0;
  const say = async (text: string) => {
    clock.advance(1000);
    const message: InboundMessage = { id: `m${++n}`, channel: 'test', userId: 'u', conversationId: 'test:u', receivedAt: clock.now(), kind: 'text', text };
    const result = await (composed as Composed).bot.handle(message);
    return result.replies.map(outboundAsText).join('\n');
  };
  return { say, fake };
}

const content = (value: unknown): FakeAnswer => ({ kind: 'content', content: JSON.stringify(value) });

describe('the LLM in the turn', () => {
  it('is not asked when the offline reading is sure (a number at the menu)', async () => {
    const { say, fake } = await botWith(() => content({ commands: [{ kind: 'cancel' }], confidence: 1 }));
    await say('菜单');
    expect(await say('1')).toContain('您想办什么事？');
    expect(fake.requests).toHaveLength(0);
  });

  // At the suggestion's free-text question, a question about another service: offline is unsure
  // (it would check "改问…吗？"), so the model is asked.
  const AT_DETAIL = ['意见建议', '其他'];
  const ASIDE = '我想先问问居住证怎么办理';

  it('applies the commands of a valid answer when the offline reading is unsure', async () => {
    const { say, fake } = await botWith(() => content({ commands: [{ kind: 'start', target: { service: 'GA-JZZ-SL' }, query: '居住证怎么办理' }], confidence: 0.9 }));
    for (const text of AT_DETAIL) await say(text);
    const reply = await say(ASIDE);
    expect(fake.requests).toHaveLength(1);
    expect(reply).toContain('您在本市是工作、有住房，还是上学？');
  });

  it('a model that never answers cannot hold the reply: the offline reading answers at the deadline', async () => {
    const { say, fake } = await botWith(() => ({ kind: 'hang' }));
    for (const text of AT_DETAIL) await say(text);
    const reply = await say(ASIDE);
    // The turn came back although the model never answered: the deadline, not the model, ended it.
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.answered).toBe(false);
    await fake.requests[0]?.settled;
    expect(fake.requests[0]?.abandoned).toBe(true);
    expect(reply).toContain('先不办「意见建议」，改问「居住证申领」吗？');
  });

  it('an invented service is refused and the offline reading answers', async () => {
    const { say } = await botWith(() => content({ commands: [{ kind: 'start', target: { service: 'XX-NOT-REAL' } }], confidence: 0.95 }));
    for (const text of AT_DETAIL) await say(text);
    expect(await say(ASIDE)).toContain('先不办「意见建议」，改问「居住证申领」吗？');
  });
});
