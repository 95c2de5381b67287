import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import type { Json } from './types';

/**
 * Safe templates: `{{path}}` interpolation with a fixed set of filters. No code runs from YAML.
 *   {{name}}  {{booking.date | date: "M月D日 dddd"}}  {{note | default: "无"}}  {{phone | mask}}
 *   {{items | join: "、"}}  {{items | count}}
 */

interface Filter {
  name: string;
  arg?: string;
}
interface Part {
  text?: string;
  path?: string[];
  filters?: Filter[];
}

const FILTERS = new Set(['date', 'default', 'mask', 'join', 'count']);
const TAG = /\{\{([^{}]*)\}\}/g;
const cache = new Map<string, Part[]>();

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** Parses a template; throws TemplateError naming the problem (unknown filter, bad syntax). */
export function parseTemplate(source: string): Part[] {
  const cached = cache.get(source);
  if (cached) return cached;
  const parts: Part[] = [];
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    if (match.index > last) parts.push({ text: source.slice(last, match.index) });
    parts.push(parseTag(match[1] ?? ''));
    last = match.index + match[0].length;
  }
  if (last < source.length) parts.push({ text: source.slice(last) });
  if (parts.some((p) => p.text?.includes('{{') || p.text?.includes('}}'))) throw new TemplateError(`unbalanced "{{" or "}}" in ${JSON.stringify(source)}`);
  if (cache.size > 5000) cache.clear();
  cache.set(source, parts);
  return parts;
}

function parseTag(body: string): Part {
  const [head, ...filterSources] = body.split('|').map((s) => s.trim());
  if (!head || !/^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z0-9_]+)*$/.test(head)) throw new TemplateError(`bad template variable "{{${body}}}"`);
  const filters = filterSources.map((source) => {
    const m = /^([a-z]+)\s*(?::\s*"([^"]*)")?$/.exec(source);
    if (!m?.[1] || !FILTERS.has(m[1])) throw new TemplateError(`unknown template filter "${source}" (one of ${[...FILTERS].join(', ')})`);
    return { name: m[1], arg: m[2] };
  });
  return { path: head.split('.'), filters };
}

/** Root names a template reads, for load-time checks that every slot it uses exists. */
export function templateRoots(source: string): string[] {
  return parseTemplate(source).flatMap((p) => (p.path?.[0] ? [p.path[0]] : []));
}

/** True when the template is exactly one `{{path}}` with no filters, so its raw value can be passed on. */
export function rawPath(source: string): string[] | undefined {
  const parts = parseTemplate(source);
  const only = parts[0];
  return parts.length === 1 && only?.path && !only.filters?.length ? only.path : undefined;
}

export function lookup(scope: Record<string, Json>, path: string[]): Json | undefined {
  let value: Json | undefined = scope;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = value[key];
  }
  return value;
}

export function renderTemplate(source: string, scope: Record<string, Json>): string {
  return parseTemplate(source)
    .map((part) => (part.path ? applyFilters(lookup(scope, part.path), part.filters ?? []) : (part.text ?? '')))
    .join('');
}

function applyFilters(value: Json | undefined, filters: Filter[]): string {
  let current: Json | undefined = value;
  for (const filter of filters) {
    switch (filter.name) {
      case 'default':
        if (asText(current) === '') current = filter.arg ?? '';
        break;
      case 'date':
        if (typeof current === 'string' || typeof current === 'number') {
          const d = dayjs(current);
          if (d.isValid()) current = d.locale('zh-cn').format(filter.arg ?? 'YYYY年M月D日');
        }
        break;
      case 'mask':
        current = maskMiddle(asText(current));
        break;
      case 'join':
        current = Array.isArray(current) ? current.map(asText).join(filter.arg ?? '、') : current;
        break;
      case 'count':
        current = Array.isArray(current) ? current.length : 0;
        break;
    }
  }
  return asText(current);
}

function asText(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'object') {
    if (!Array.isArray(value) && typeof value.label === 'string') return value.label;
    return Array.isArray(value) ? value.map(asText).join('、') : '';
  }
  return String(value);
}

/** Keeps the first 3 and last 4 characters (a phone number becomes 138****5678). */
function maskMiddle(text: string): string {
  if (text.length <= 7) return text.replace(/.(?=.{2})/g, '*');
  return `${text.slice(0, 3)}${'*'.repeat(text.length - 7)}${text.slice(-4)}`;
}
