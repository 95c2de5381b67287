import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCityArea, outsideCityText, placeInCity } from '../../../integrations/govservice/city';

describe('the city area (flows/catalog/city.yaml)', () => {
  it('the shipped area holds every hall of the demo city and none of the peers’ eastern locations', async () => {
    const city = { name: '演示市', area: await loadCityArea() };
    for (const [lat, lng] of [[43.8605, 87.5722], [43.8742, 87.4265], [43.7965, 87.6318], [43.36, 88.31]] as const) expect(placeInCity(city, { lat, lng }).inside).toBe(true);
    const guangzhou = placeInCity(city, { lat: 23.134521, lng: 113.358803 });
    expect(guangzhou.inside).toBe(false);
    expect(guangzhou.distanceKm).toBeGreaterThan(3000);
    expect(outsideCityText(city, guangzhou)).toMatch(/^看您发来的位置，您好像不在演示市（离演示市约3,\d{2}0公里）/);
    // Just beyond the radius is outside too; near distances are not rounded to tens.
    expect(outsideCityText(city, { inside: false, distanceKm: 62.4 })).toContain('约62公里');
  });

  it('a broken file is refused naming the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'city-'));
    try {
      await writeFile(join(dir, 'city.yaml'), 'area:\n  centre: { lat: 143.8, lng: 87.6 }\n  radiusKm: 100\n');
      await expect(loadCityArea(dir)).rejects.toThrow(/city\.yaml: area\.centre\.lat: /);
      await writeFile(join(dir, 'city.yaml'), 'area:\n  centre: { lat: 43.8, lng: 87.6 }\n  radius: 100\n');
      await expect(loadCityArea(dir)).rejects.toThrow(/city\.yaml: area/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
