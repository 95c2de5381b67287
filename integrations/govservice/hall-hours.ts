import { z } from 'zod';
import { defineAction } from '../../flows/actions';
import { describeToday, describeWeek, type Catalog, type Hall } from './catalog';

export interface HallHoursContext {
  catalog: Catalog;
  now: number;
}

/** Short names a resident uses for a hall: its district, its name without the bracketed part. */
function namesOf(hall: Hall): string[] {
  const plain = hall.name.replace(/（.*?）|\(.*?\)/gu, '');
  const district = hall.district.replace(/区$/u, '');
  // The street it stands on ("北京南路"), as residents place it.
  const road = /[\p{Script=Han}]{2,6}?(?:路|街|大道)/u.exec(hall.address.replace(hall.district, ''))?.[0];
  return [...new Set([hall.name, plain, hall.district, `${hall.district}大厅`, `${district}区`, district, ...hall.aliases, ...(road ? [road] : [])].filter((n) => n.length >= 2))];
}

/** The halls a text names (by name or district), most specific first. */
export function hallsNamedIn(halls: readonly Hall[], text: string): Hall[] {
  return halls.filter((h) => namesOf(h).some((n) => text.includes(n)));
}

/**
 * The halls as choice options for flows (`optionsFrom: hallChoices`): the name to show and store, the
 * words that pick each, and where it stands, so a shared location picks the nearest.
 */
export function hallOptions(catalog: Catalog): { label: string; value: string; synonyms: string[]; latitude: number; longitude: number }[] {
  return catalog.halls.map((h) => ({ label: h.name, value: h.name, synonyms: namesOf(h).filter((n) => n !== h.name), latitude: h.lat, longitude: h.lng }));
}

/** Window groups keeping other hours than the hall ("一件事综合窗口：周六 10:30-14:00"). */
function windowWeeks(catalog: Catalog, hall: Hall, now: Date): string[] {
  const usual = describeWeek(catalog.calendar, hall, now);
  const windows = [...new Set(hall.hours.flatMap((r) => r.windows ?? []))];
  return windows.flatMap((w) => {
    const week = describeWeek(catalog.calendar, hall, now, w);
    return week === usual ? [] : [`${w}：${week}`];
  });
}

/** Today's hours of the halls (the one named first, with its usual week), from the hall data. */
export const hallHours = defineAction({
  name: 'halls.hours',
  description: "Today's opening hours of the halls, the named one first",
  input: z.object({ query: z.string().nullish() }),
  // `named`: the question named a hall (its address and hours were told), not all halls.
  output: z.object({ messages: z.array(z.string()).min(1), named: z.boolean() }),
  async run({ query }, ctx: HallHoursContext) {
    const now = new Date(ctx.now);
    const named = query ? hallsNamedIn(ctx.catalog.halls, query) : [];
    const demo = ctx.catalog.halls.some((h) => h.demo) ? '\n（大厅信息为演示数据）' : '';
    if (named.length) {
      const lines = named.map((h) => [h.name, describeToday(ctx.catalog.calendar, h, now), `平时：${describeWeek(ctx.catalog.calendar, h, now)}`, ...windowWeeks(ctx.catalog, h, now), h.holidayNote, `地址：${h.address}`, `电话：${h.phone}`].join('\n'));
      return { messages: [`${lines.join('\n\n')}${demo}`], named: true };
    }
    const general = ctx.catalog.halls.filter((h) => h.level !== '专业大厅');
    const today = general.map((h) => describeToday(ctx.catalog.calendar, h, now));
    const lines = general.map((h, i) => `${h.name}：${(today[i] ?? '').replace(/^今天（.+?）(办公：)?/u, '')}`);
    const day = today[0]?.match(/^今天（.+?）/u)?.[0] ?? '今天';
    return { messages: [`${day}各政务服务大厅的办公时间：\n${lines.join('\n')}\n想问某个大厅，告诉我它的名字或所在区就行。${demo}`], named: false };
  },
});
