import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

/** 12345 requests as data (flows/hotline.yaml): the category tree and the routes for matters 12345 does not take. */

const words = z.array(z.string().min(1).max(20)).default([]);
const LeafSchema = z.strictObject({ name: z.string().min(1).max(12), words });
const TopSchema = z.strictObject({ name: z.string().min(1).max(12), children: z.array(LeafSchema) });
const RouteSchema = z.strictObject({ id: z.string().regex(/^[a-z][a-z0-9-]*$/), words: words.refine((w) => w.length > 0, 'a route needs words'), unless: words, reply: z.string().min(10).max(300) });

export const HotlineConfigSchema = z
  .strictObject({ version: z.number().int().positive(), categories: z.array(TopSchema).min(1), routes: z.array(RouteSchema) })
  .superRefine((c, ctx) => {
    const names = c.categories.flatMap((t) => [t.name, ...t.children.map((l) => `${t.name}/${l.name}`)]);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) ctx.addIssue({ code: 'custom', path: ['categories'], message: `category ${dup} appears twice` });
  });
export type HotlineConfig = z.infer<typeof HotlineConfigSchema>;

export interface CategoryGuess {
  /** [top, leaf]; [top] when only the top level is clear. */
  path: string[];
  /** The words that decided it. */
  evidence: string[];
}

/**
 * Reads a description against the category tree: the leaf whose words it names most (longer words
 * weigh more), when one leaf leads; undefined when none or a tie. Text is already normalised
 * (simplified, half-width).
 */
export function guessCategory(config: HotlineConfig, text: string): CategoryGuess | undefined {
  let best: { path: string[]; score: number; evidence: string[] } | undefined;
  let tied = false;
  for (const top of config.categories) {
    for (const leaf of top.children) {
      const hits = [leaf.name, ...leaf.words].filter((w) => text.includes(w));
      if (!hits.length) continue;
      const score = hits.reduce((sum, w) => sum + w.length, 0);
      if (!best || score > best.score) {
        best = { path: [top.name, leaf.name], score, evidence: hits };
        tied = false;
      } else if (score === best.score && best.path[0] !== top.name) tied = true;
      else if (score === best.score) best = { path: [top.name], score, evidence: [...best.evidence, ...hits] };
    }
  }
  return best && !tied ? { path: best.path, evidence: best.evidence } : undefined;
}

/** The proper route for a matter 12345 does not take, when the text names one. */
export function routeElsewhere(config: HotlineConfig, text: string): HotlineConfig['routes'][number] | undefined {
  return config.routes.find((r) => r.words.some((w) => text.includes(w)) && !r.unless.some((w) => text.includes(w)));
}

/** Top-level categories, for the resident to pick when the words did not decide. */
export const topCategories = (config: HotlineConfig): string[] => config.categories.map((t) => t.name);

const DEFAULT_PATH = fileURLToPath(new URL('./hotline.yaml', import.meta.url));

export function loadHotlineConfig(path = DEFAULT_PATH): HotlineConfig {
  return HotlineConfigSchema.parse(parse(readFileSync(path, 'utf8')));
}
