import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../bot/clock';
import { MemoryConversationLock, MemorySessionStore } from '../../../bot/memory';
import { CustomerServiceWindow } from '../../../integrations/wechat-mp/api/window';
import { WechatDelivery } from '../../../integrations/wechat-mp/api/delivery';
import { HeldMessages } from '../../../integrations/wechat-mp/api/held';
import type { OutboundQueue } from '../../../integrations/wechat-mp/api/queue';
import { silentLogger } from '../../../bot/logger';

function setup() {
  const clock = new ManualClock();
  const window = new CustomerServiceWindow({ store: new MemorySessionStore({ clock, sweepMs: false }), lock: new MemoryConversationLock(), clock });
  return { clock, window };
}

describe('CustomerServiceWindow', () => {
  it('is closed until the resident writes', async () => {
    const { window } = setup();
    expect(await window.reserve('o1')).toBeUndefined();
  });

  it('allows 5 sends per resident message for 48 hours; a new message resets to 5, not 10', async () => {
    const { clock, window } = setup();
    await window.noteInbound('o1', clock.now());
    await window.noteInbound('o1', clock.now());
    for (let i = 0; i < 5; i++) expect(await window.reserve('o1')).toBeDefined();
    expect(await window.reserve('o1')).toBeUndefined();
    await window.noteInbound('o1', clock.now());
    expect(await window.remaining('o1')).toBe(5);
    clock.advance(48 * 3600_000);
    expect(await window.reserve('o1')).toBeUndefined();
  });

  it('gives 3 sends for one minute after a menu click, follow or scan', async () => {
    const { clock, window } = setup();
    await window.noteInbound('o1', clock.now(), 'subscribe');
    expect(await window.remaining('o1')).toBe(3);
    clock.advance(60_000);
    expect(await window.remaining('o1')).toBe(0);
  });

  it('spends the allowance that expires first and refunds to it', async () => {
    const { clock, window } = setup();
    await window.noteInbound('o1', clock.now(), 'message');
    await window.noteInbound('o1', clock.now(), 'menu');
    const r = await window.reserve('o1');
    expect(r?.source).toBe('event');
    if (r) await window.refund('o1', r);
    expect(await window.remaining('o1')).toBe(8);
  });

  it('closes on 45015 and empties on 45047', async () => {
    const { clock, window } = setup();
    await window.noteInbound('o1', clock.now());
    await window.exhaust('o1');
    expect(await window.remaining('o1')).toBe(0);
    await window.noteInbound('o1', clock.now());
    await window.close('o1');
    expect(await window.reserve('o1')).toBeUndefined();
  });

  it('keeps residents apart and counts concurrent reservations exactly', async () => {
    const { clock, window } = setup();
    await window.noteInbound('o1', clock.now());
    const results = await Promise.all(Array.from({ length: 8 }, () => window.reserve('o1')));
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(await window.remaining('o2')).toBe(0);
  });
});

describe('how an agent’s reply would travel (WechatDelivery.reach)', () => {
  it('within the window: the messages left and until when; closed: held, with or without a work-order template', async () => {
    const { clock, window } = setup();
    const store = new MemorySessionStore({ clock, sweepMs: false });
    const held = new HeldMessages({ store, lock: new MemoryConversationLock(), clock, logger: silentLogger() });
    const queue = { enqueue: async () => undefined } as unknown as OutboundQueue;
    const to = { channel: 'wechat-mp' as const, userId: 'o1', conversationId: 'wechat-mp:o1' };
    const plain = new WechatDelivery({ queue, window, held });
    const templated = new WechatDelivery({ queue, window, held, workOrderTemplate: true });
    expect(await plain.reach(to)).toEqual({ mode: 'held', template: false });
    await window.noteInbound('o1', clock.now());
    await window.reserve('o1');
    expect(await plain.reach(to)).toEqual({ mode: 'window', remaining: 4, until: clock.now() + 48 * 3600_000 });
    clock.advance(48 * 3600_000);
    expect(await templated.reach(to)).toEqual({ mode: 'held', template: true });
  });
});
