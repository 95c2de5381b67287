import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frozenClock } from '../../bot/clock';
import { composeBot } from '../../bot/compose';
import { CoreConfigSchema } from '../../bot/config';
import type { HealthCheck } from '../../bot/ports';
import { loadMenu } from '../../flows/menu';
import { loadCatalog } from '../../integrations/govservice/catalog';
import { calendarAdvisory, calendarHealthCheck, type WorkCalendar } from '../../integrations/govservice/calendar';
import { createHttpApp } from '../../integrations/http/app';
import { createWebDelivery, type WebDelivery } from '../../integrations/http/simulator/web-delivery';
import { listen, memoryLogger } from './http-helpers';

const at = (local: string) => new Date(`${local}+08:00`).getTime();

let calendar: WorkCalendar;
beforeAll(async () => {
  calendar = (await loadCatalog()).calendar;
});

describe('calendarAdvisory', () => {
  it('warns on 2026-12-01: 60 days ahead reach unpublished 2027', () => {
    const text = calendarAdvisory(calendar, at('2026-12-01T10:00:00'));
    expect(text).toContain('calendar unconfirmed from 2027-01-01 (within 60 days)');
    expect(text).toContain('2027年全国放假安排尚未发布');
    expect(text).toContain('the 2027 national schedule (flows/catalog/calendar/2027.yaml)');
    expect(text).toContain('the 2027 regional notice (flows/catalog/calendar/regional.yaml, missing)');
  });

  it('warns before the region’s holidays known only from a reprint', () => {
    const text = calendarAdvisory(calendar, at('2026-03-01T10:00:00'));
    expect(text).toContain('calendar unconfirmed from 2026-03-20');
    expect(text).toContain('the 2026 regional notice (flows/catalog/calendar/regional.yaml, reported)');
  });

  it('is quiet when the coming weeks are confirmed, and honours the horizon', () => {
    expect(calendarAdvisory(calendar, at('2026-06-01T10:00:00'))).toBeUndefined();
    expect(calendarAdvisory(calendar, at('2026-12-01T10:00:00'), 20)).toBeUndefined();
  });
});

describe('/readyz with the advisory calendar check (real koa over HTTP)', () => {
  let web: WebDelivery;
  beforeAll(() => {
    web = createWebDelivery();
  });
  afterAll(() => web.close());

  async function readyz(health: HealthCheck[]) {
    const logs = memoryLogger();
    const server = await listen(
      createHttpApp({
        bot: { handle: async () => ({ replies: [], effects: [], duplicate: false }) },
        menu: await loadMenu(),
        health,
        logger: logs.logger,
        config: CoreConfigSchema.parse({ CITY_NAME: '演示市' }),
        webDelivery: web,
        clock: frozenClock(at('2026-12-01T10:00:00')),
      }),
    );
    try {
      const res = await fetch(`${server.base}/readyz`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown>, logs: logs.lines() };
    } finally {
      await server.close();
    }
  }

  it('stays ready and lists the warning with its message', async () => {
    const { status, body, logs } = await readyz([{ name: 'redis', check: async () => undefined }, calendarHealthCheck(calendar, frozenClock(at('2026-12-01T10:00:00')))]);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ready', checks: { redis: 'ok', calendar: 'warning' } });
    expect(String((body.warnings as Record<string, string>).calendar)).toContain('calendar unconfirmed from 2027-01-01');
    expect(logs.filter((l) => l.msg === 'readiness check failed')).toEqual([]);
  });

  it('a failing real dependency still fails readiness; the advisory is not among the failing', async () => {
    const { status, body } = await readyz([{ name: 'redis', check: async () => Promise.reject(new Error('down')) }, calendarHealthCheck(calendar, frozenClock(at('2026-12-01T10:00:00')))]);
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'unavailable', failing: ['redis'], checks: { redis: 'failed', calendar: 'warning' } });
  });

  it('says nothing extra when the calendar covers the coming weeks', async () => {
    const { body } = await readyz([calendarHealthCheck(calendar, frozenClock(at('2026-06-01T10:00:00')))]);
    expect(body).toEqual({ status: 'ready', checks: { calendar: 'ok' } });
  });
});

describe('start-up', () => {
  it.each([
    ['2026-12-01T10:00:00', 1],
    ['2026-06-01T10:00:00', 0],
  ])('at %s logs %i calendar warning(s) and registers the advisory check', async (local, warnings) => {
    const logs = memoryLogger();
    const composed = await composeBot({ env: {}, clock: frozenClock(at(local)), logger: logs.logger });
    try {
      const lines = logs.lines().filter((l) => l.check === 'calendar');
      expect(lines).toHaveLength(warnings);
      if (warnings) expect(lines[0]).toMatchObject({ level: 40, msg: expect.stringContaining('load the 2027 national schedule') });
      expect(composed.health.find((h) => h.name === 'calendar')?.advisory).toBe(true);
      expect(composed.calendar.dayInfo('2026-10-01').reason).toBe('国庆节');
    } finally {
      await composed.close();
    }
  });
});
