import { z } from 'zod';
import { defineAction } from '../../flows/actions';
import type { WorkCalendar } from './calendar';
import { describeToday, describeWeek, distanceKm, type Catalog, type Hall } from './catalog';
import { outsideCityText, placeInCity, type City } from './city';

export interface HallsContext {
  catalog: Catalog;
  now: number;
  timeZone?: string;
  /** The city's name and area; without it every location counts as inside. */
  city?: City;
}

const LocationSchema = z.object({ latitude: z.number().nullable(), longitude: z.number().nullable(), label: z.string().nullable().optional() });

const SHOWN = 3;

function hallLines(calendar: WorkCalendar, hall: Hall, now: Date, distance?: number): string {
  return [
    `${hall.name}${distance === undefined ? '' : `（约${distance < 1 ? `${Math.round(distance * 1000)}米` : `${distance.toFixed(1)}公里`}）`}`,
    `地址：${hall.address}`,
    describeToday(calendar, hall, now),
    `平时：${describeWeek(calendar, hall, now)}`,
    `电话：${hall.phone}`,
  ].join('\n');
}

/**
 * The service halls nearest to a shared location (district and city halls, with today's hours).
 * A typed address has no coordinates (no geocoding here), so every hall is listed instead; a
 * location outside the city's area gets "you seem to be outside the city", not halls 3,000 km away.
 */
export const nearbyHalls = defineAction({
  name: 'halls.nearby',
  description: 'The service halls nearest to a location, with distance, address and hours',
  input: z.object({ location: LocationSchema }),
  output: z.object({ messages: z.array(z.string()).min(1) }),
  async run({ location }, ctx: HallsContext) {
    const now = new Date(ctx.now);
    const halls = ctx.catalog.halls.filter((h) => h.level !== '专业大厅');
    const demo = ctx.catalog.halls.some((h) => h.demo) ? '（大厅信息为演示数据）' : '';
    if (location.latitude === null || location.longitude === null) {
      const list = halls.map((h) => hallLines(ctx.catalog.calendar, h, now)).join('\n\n');
      return { messages: [`根据文字地址算不出距离，这是全市的政务服务大厅，您看哪个方便：\n\n${list}\n${demo}`.trim()] };
    }
    const from = { lat: location.latitude, lng: location.longitude };
    if (ctx.city) {
      const place = placeInCity(ctx.city, from);
      if (!place.inside) return { messages: [outsideCityText(ctx.city, place)] };
    }
    const nearest = halls
      .map((hall) => ({ hall, km: distanceKm(from, hall) }))
      .sort((a, b) => a.km - b.km)
      .slice(0, SHOWN);
    const list = nearest.map(({ hall, km }) => hallLines(ctx.catalog.calendar, hall, now, km)).join('\n\n');
    return { messages: [`离您最近的政务服务大厅：\n\n${list}\n${demo}`.trim(), '不动产登记、车驾管等业务在专门大厅办理，查具体事项时我会告诉您去哪里。'] };
  },
});
