import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { DEFAULT_CATALOG_DIR, distanceKm, type LatLng } from './catalog';

/** The city's area: a centre and a radius; a shared location beyond it is outside the city. */
export const CityAreaSchema = z.strictObject({
  centre: z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }),
  radiusKm: z.number().positive().max(2000),
});
export type CityArea = z.infer<typeof CityAreaSchema>;

const CityFileSchema = z.strictObject({ area: CityAreaSchema });

/** The city as residents read it (its name from CITY_NAME) and its area (flows/catalog/city.yaml). */
export interface City {
  name: string;
  area: CityArea;
}

/** Reads and validates `city.yaml` of a catalogue directory; a bad file names the field. */
export async function loadCityArea(dir: string = DEFAULT_CATALOG_DIR): Promise<CityArea> {
  const file = join(dir, 'city.yaml');
  const parsed = CityFileSchema.safeParse(parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') || '(file)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data.area;
}

/** Where a point lies relative to the city: inside its area or not, and how far from its centre. */
export type CityPlace = { inside: boolean; distanceKm: number };

/** Whether `point` lies in the city's area (the nearby-halls action and, later, the guide's answer use it). */
export function placeInCity(city: City, point: LatLng): CityPlace {
  const km = distanceKm(point, city.area.centre);
  return { inside: km <= city.area.radiusKm, distanceKm: km };
}

/** 「约3,270公里」: rounded to what a resident can use (tens of km beyond 100). */
function roughKm(km: number): string {
  const rounded = km >= 100 ? Math.round(km / 10) * 10 : Math.round(km);
  return `约${rounded.toLocaleString('en-US')}公里`;
}

/** What a resident who shared a location outside the city is told instead of far-away halls. */
export function outsideCityText(city: City, place: CityPlace): string {
  return (
    `看您发来的位置，您好像不在${city.name}（离${city.name}${roughKm(place.distanceKm)}），附近没有我们的政务服务大厅。` +
    `不少事项可以网上办，告诉我事项名称，我帮您看看怎么办；如果您就在${city.name}，请重新发送一次位置。`
  );
}
