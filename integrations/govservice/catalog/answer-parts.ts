import { localYmd } from '../../../flows/slots/calendar';
import type { Catalog } from './catalog';
import { nearestHall, type LatLng } from './halls';
import { activeItems, describeWhen, dimensionsOf, matchWhen, type ResolvedMaterial, type Target } from './resolve';
import type { Answers, Aspect, BundleChannels, Channels, Delivery, Duration, Hall, ServiceItem, SourceDocument, TimeLimit, Unverified } from './schema';

/** The pieces every answer (brief, details, the forwardable summary) is built from. */

export const DISCLAIMER = '以本市最新实施清单和窗口审核为准';
export const STALE_NOTE = '信息可能已有更新，请以窗口为准';
export const UNVERIFIED_MARK = '（以窗口为准）';
/** An entry not re-checked for this long is stale: listed for administrators, flagged to residents. */
export const STALE_AFTER_MONTHS = 12;

export interface ComposeOptions {
  catalog: Catalog;
  /** Where the resident is; the nearest listed hall is suggested. Else the first listed hall. */
  nearestTo?: LatLng;
  now: Date;
  timeZone?: string;
}

export const CIRCLED = ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩', '⑪', '⑫', '⑬', '⑭', '⑮', '⑯', '⑰', '⑱', '⑲', '⑳'];

export function numbered(lines: string[]): string[] {
  return lines.map((l, i) => `${CIRCLED[i] ?? `${i + 1}.`}${l}`);
}

/** The facts of the item or bundle itself, whichever the target is. */
export function entryOf(target: Target) {
  const e = target.kind === 'item' ? target.item : target.bundle;
  return { ...e, channels: e.channels as Channels | BundleChannels };
}


/** True when `lastVerified` is more than STALE_AFTER_MONTHS before the local date of `now`, or was never. */
export function isStale(lastVerified: string | null, now: Date, timeZone = 'Asia/Shanghai'): boolean {
  if (lastVerified === null) return true;
  const [y = '0', rest = ''] = localYmd(now, timeZone).split(/-(.*)/s);
  const cutoffYear = Number(y) - Math.floor(STALE_AFTER_MONTHS / 12);
  return lastVerified < `${String(cutoffYear).padStart(4, '0')}-${rest}`;
}

/** Entries older than twelve months (for administrators: start-up warning, `npm run catalog:stale`). */
export function staleEntries(catalog: Pick<Catalog, 'items' | 'bundles'>, now: Date, timeZone?: string) {
  return [...catalog.items, ...catalog.bundles]
    .filter((e) => isStale(e.lastVerified, now, timeZone))
    .map((e) => ({ code: e.code, name: e.name, lastVerified: e.lastVerified }))
    .sort((a, b) => (a.lastVerified ?? '').localeCompare(b.lastVerified ?? '') || a.code.localeCompare(b.code));
}

/** Unverified notes of the target about one aspect (a bundle: its own and its members'). */
export function unverifiedAbout(target: Target, aspect: Aspect, answers: Answers = {}): Unverified[] {
  const lists = target.kind === 'item' ? [target.item.unverified] : [target.bundle.unverified, ...activeItems(target, answers).map((i) => i.unverified)];
  return lists.flat().filter((u) => u.about === aspect);
}

export function mark(target: Target, aspect: Aspect, answers?: Answers): string {
  return unverifiedAbout(target, aspect, answers).length > 0 ? UNVERIFIED_MARK : '';
}

export function amountText(m: ResolvedMaterial): string {
  return m.form === '现场采集' || m.form === '现场填写' ? m.form : `${m.form}${m.copies}份`;
}

export function materialLine(m: ResolvedMaterial, n: number, target: Target): string {
  const extras = [...m.notes];
  if (m.material.notes) extras.push(m.material.notes);
  if (m.material.exemptIf) extras.push(`可免提交：${m.material.exemptIf.note}`);
  if (m.material.rongque) extras.push('可容缺后补');
  let line = `${n}. ${m.material.name}（${amountText(m)}）${extras.length ? `：${extras.join('；')}` : ''}`;
  if (m.onlyIf) line += `\n   （仅当：${describeWhen(m.onlyIf, dimensionsOf(target))}）`;
  if (target.kind === 'bundle') line += `\n   用于：${m.neededBy.map((i) => i.name).join('、')}`;
  return line;
}

/** 「有效期满换领 · 在户籍地（本市户口）办理」: the resident's answers, not those a bundle implies. */
export function scenarioLabel(target: Target, answers: Answers): string {
  const fixed = target.kind === 'bundle' ? target.bundle.fixedAnswers : {};
  return dimensionsOf(target)
    .flatMap((d) => (d.id in fixed ? [] : (d.options.find((o) => o.value === answers[d.id])?.label ?? [])))
    .join(' · ');
}

export interface PickedHall {
  hall: Hall;
  window: string;
  distanceKm?: number;
}

/** The nearest listed hall when a location is known, else the first; undefined when the item names no hall. */
export function pickHall(target: Target, options: ComposeOptions): PickedHall | undefined {
  const refs = entryOf(target).halls;
  const candidates = refs.flatMap((r) => {
    const hall = options.catalog.getHall(r.hall);
    return hall ? [{ hall, window: r.window }] : [];
  });
  return (options.nearestTo ? nearestHall(candidates, options.nearestTo) : undefined) ?? candidates[0];
}

export function durationText(d: Duration): string {
  if (d.kind === 'immediate') return `即办${d.note ? `（${d.note}）` : ''}`;
  return `${d.startRule === '受理当日起算' ? '自受理当日起' : '自受理之日起'}${d.value}个${d.unit}内${d.note ? `（${d.note}）` : ''}`;
}

function durationShort(d: Duration): string {
  if (d.kind === 'immediate') return '当场办结';
  return `${d.value}${d.unit === '自然日' ? '日' : '个工作日'}内办结`;
}

export function timeLimitLines(t: TimeLimit): string[] {
  return [
    ...(t.statutory ? [`法定时限：${durationText(t.statutory)}`] : []),
    ...(t.promised ? [`承诺时限：${durationText(t.promised)}`] : []),
    ...(t.note ? [t.note] : []),
  ];
}

/** 「15个工作日内办结」: the promise when there is one, else the statutory limit. */
export function timeLimitShort(t: TimeLimit): string {
  const d = t.promised ?? t.statutory;
  return d ? durationShort(d) : (t.note ?? '');
}

/** Fee lines for the answers known; with `basis`, each amount names the document that sets it. */
export function feeLines(item: ServiceItem, answers: Answers, target: Target, withBasis = false): string[] {
  if (item.fees === '不收费') return [`不收费${item.feeNote ? `（${item.feeNote}）` : ''}`];
  if (item.fees === '按本市标准收费') return [`按本市标准收费：${item.feeNote ?? ''}`];
  const lines = item.fees.flatMap((f) => {
    const { status, open } = matchWhen(f.when, answers);
    if (status === 'no') return [];
    const cond = status === 'unknown' ? `（${describeWhen(open, dimensionsOf(target))}时）` : '';
    return [`${f.name}${f.amountCny}元${cond}${withBasis ? `，依据：${f.basis}` : ''}`];
  });
  return item.feeNote ? [...lines, item.feeNote] : lines;
}

/** 「工本费20元」 or 「不收费」 for the brief. */
export function feeShort(item: ServiceItem, answers: Answers, target: Target): string {
  if (item.fees === '不收费' || item.fees === '按本市标准收费') return item.fees;
  return item.fees.flatMap((f) => (matchWhen(f.when, answers).status === 'yes' ? [`${f.name.replace(/（.*）$/, '')}${f.amountCny}元`] : [])).join('、') || feeLines(item, answers, target).join('；');
}

const MAILED: Delivery[] = ['免费寄递', '自费寄递'];

export function canMail(delivery: Delivery[]): boolean {
  return delivery.some((d) => MAILED.includes(d));
}

/** How the result arrives, in a few words; 「结果需现场领取」 only when collecting at a window is the only way. */
export function deliveryShort(item: ServiceItem): string {
  const d = item.channels.delivery;
  const parts: string[] = [];
  if (d.includes('转入银行账户')) parts.push('款项转入本人银行账户');
  if (d.includes('当场发放')) parts.push('当场领取');
  if (d.includes('网上查询')) parts.push('办好后可网上查询');
  if (d.includes('短信通知')) parts.push('办好短信通知');
  if (d.includes('免费寄递')) parts.push('可免费邮寄');
  else if (d.includes('自费寄递')) parts.push('可邮寄（自费）');
  if (d.includes('窗口领取')) parts.push(parts.length ? '也可到窗口领取' : '结果需现场领取');
  if (d.includes('电子证照') && !item.result.includes('电子')) parts.push('同时发电子证照');
  return parts.join('，');
}

const DELIVERY_TEXT: Record<Delivery, string> = {
  当场发放: '材料齐全、符合条件的当场发放',
  窗口领取: '到窗口领取',
  免费寄递: '免费邮寄到家（受理时选择寄递）',
  自费寄递: '邮寄到家（邮费自付）',
  转入银行账户: '款项直接转入本人银行账户，不用去领',
  网上查询: '办好后可在网上查询，不用去领',
  短信通知: '办好后短信通知，不用去领',
  电子证照: '同步发放电子证照',
};

export function deliveryLines(item: ServiceItem): string[] {
  const d = item.channels.delivery;
  const onlyWindow = d.every((x) => x === '窗口领取' || x === '电子证照');
  const lines = d.map((x) => (x === '窗口领取' && onlyWindow ? '结果需现场领取（暂不支持邮寄）' : DELIVERY_TEXT[x]));
  return [`结果：${lines.join('；')}`, ...(item.channels.deliveryNote ? [item.channels.deliveryNote] : [])];
}

/** The booking line: the real channel, or plainly that there is none. */
export function bookingLine(c: Channels | BundleChannels): string {
  if (c.booking.available) return `预约：${c.booking.channel}${c.booking.note ? `（${c.booking.note}）` : ''}；不预约也可以在办公时间到窗口取号`;
  if (c.visits === 0) return `全程网办，不需要预约${c.booking.note ? `（${c.booking.note}）` : ''}`;
  return `这项不提供预约，办公时间直接到窗口办理${c.booking.note ? `（${c.booking.note}）` : ''}`;
}

export function channelLines(c: Channels | BundleChannels): string[] {
  return [
    c.visits === 0 ? '全程网办，不用跑大厅' : `需到现场${c.visits}次`,
    ...(c.online ? [`网上办理：${c.online.name}${c.online.url ? ` ${c.online.url}` : ''}`] : []),
    ...(c.onlineNote ? [c.onlineNote] : []),
    bookingLine(c),
    ...c.crossRegion.map((x) => `${x.scope}：${x.mode}`),
  ];
}

/** 「最近核实 2026-12-01」, or that nobody has checked the entry against its sources yet. */
export function verifiedText(lastVerified: string | null): string {
  return lastVerified ? `最近核实 ${lastVerified}` : '尚未对照公开文件核实';
}

export function documentText(d: SourceDocument): string {
  return `${d.title}${d.article ?? ''}${d.url ? ` ${d.url}` : ''}`;
}

/** Where the facts came from, which are still unverified, version and dates. */
export function provenanceLines(target: Target, options: ComposeOptions, answers: Answers = {}): string[] {
  const e = entryOf(target);
  const unverified = target.kind === 'item' ? e.unverified : [...e.unverified, ...activeItems(target, answers).flatMap((i) => i.unverified.map((u) => ({ ...u, note: `${i.name}：${u.note}` })))];
  return [
    `来源：${e.source.documents.map(documentText).join('；')}${e.source.note ? `。${e.source.note}` : ''}`,
    ...(unverified.length ? [`尚未核实（以窗口为准）：${unverified.map((u) => `${u.about}——${u.note}`).join('；')}`] : []),
    `${target.kind === 'item' ? '事项编码' : '编码'} ${e.code}，版本 ${e.version}，${e.effectiveDate} 起施行，${verifiedText(e.lastVerified)}`,
    ...(isStale(e.lastVerified, options.now, options.timeZone) ? [STALE_NOTE] : []),
    ...(e.demo ? ['【演示数据】'] : []),
    DISCLAIMER,
  ];
}

/** The last line of a brief: demo label, staleness and the disclaimer in one. */
export function closingLine(target: Target, options: ComposeOptions): string {
  const e = entryOf(target);
  const stale = isStale(e.lastVerified, options.now, options.timeZone);
  return `${e.demo ? '【演示数据】' : ''}${stale ? `${STALE_NOTE}。` : ''}${DISCLAIMER}`;
}
