import {
  bookingLine,
  channelLines,
  CIRCLED,
  closingLine,
  deliveryLines,
  deliveryShort,
  documentText,
  entryOf,
  feeLines,
  feeShort,
  mark,
  materialLine,
  numbered,
  pickHall,
  provenanceLines,
  scenarioLabel,
  timeLimitLines,
  timeLimitShort,
  type ComposeOptions,
  type PickedHall,
} from './answer-parts';
import { describeToday, describeWeek } from './halls';
import { eligibilityOf } from './questions';
import { activeItems, describeWhen, dimensionsOf, effectiveAnswers, matchWhen, resolveMaterials, type Target } from './resolve';
import type { Answers, ServiceItem } from './schema';

export { DISCLAIMER, STALE_NOTE, UNVERIFIED_MARK, isStale, staleEntries, type ComposeOptions } from './answer-parts';

/** Keep each message under this many UTF-8 bytes (WeChat text limit is 2,048). */
export const MAX_MESSAGE_BYTES = 1800;
/** Details are cut smaller, so each message fits about a phone screen. */
export const DETAIL_MESSAGE_BYTES = 1400;

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Lines of one oversize block regrouped into pieces under the limit, each still line-joined. */
function splitBlock(block: string, limit: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const line of block.split('\n')) {
    const joined = current ? `${current}\n${line}` : line;
    if (bytes(joined) <= limit || !current) current = joined;
    else {
      pieces.push(current);
      current = line;
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

/** Packs blocks into messages under the byte limit, splitting a block by lines only when it alone is too long. */
export function packMessages(blocks: string[], limit = MAX_MESSAGE_BYTES): string[] {
  const messages: string[] = [];
  let current = '';
  const push = (piece: string) => {
    const joined = current ? `${current}\n\n${piece}` : piece;
    if (bytes(joined) <= limit) current = joined;
    else {
      if (current) messages.push(current);
      current = piece;
    }
  };
  for (const block of blocks) for (const piece of bytes(block) <= limit ? [block] : splitBlock(block, limit)) push(piece);
  if (current) messages.push(current);
  return messages;
}

function nameOf(target: Target): string {
  return target.kind === 'item' ? target.item.name : target.bundle.name;
}

/** Today at the hall's window, from the calendar (holidays, 调休, seasons, window groups). */
function todayLine(picked: PickedHall, options: ComposeOptions): string {
  return describeToday(options.catalog.calendar, picked.hall, options.now, picked.window);
}

/** The hall's usual week for the window, in the season of today. */
function weekLine(picked: PickedHall, options: ComposeOptions): string {
  return describeWeek(options.catalog.calendar, picked.hall, options.now, picked.window);
}

function hallShort(picked: PickedHall): string {
  const distance = picked.distanceKm === undefined ? '' : `（离您约${picked.distanceKm.toFixed(1)}公里）`;
  return `${picked.hall.name} ${picked.window}${distance}`;
}

function isIneligible(target: Target, answers: Answers): target is Extract<Target, { kind: 'bundle' }> {
  return target.kind === 'bundle' && eligibilityOf(target, effectiveAnswers(target, answers)).status === 'no';
}

function briefFacts(target: Target, all: Answers): string {
  const e = entryOf(target);
  const items = activeItems(target, all);
  const fee =
    target.kind === 'item'
      ? feeShort(target.item, all, target)
      : items.every((i) => i.fees === '不收费')
        ? '各事项均不收费'
        : items.flatMap((i) => (i.fees === '不收费' ? [] : [`${i.name}${feeShort(i, all, target)}`])).join('、');
  const parts = [`${fee}${mark(target, '收费', all)}`, `${timeLimitShort(e.timeLimit)}${mark(target, '时限', all)}`];
  if (target.kind === 'item') parts.push(deliveryShort(target.item));
  return parts.filter(Boolean).join(' · ');
}

/**
 * The first answer, short enough for a phone (about six lines): what to bring, where, today's
 * hours, fee, time limit and how the result comes, then the demo/disclaimer line. Everything else
 * is in composeDetails, sent when the resident asks for 详细说明.
 */
export function composeBrief(target: Target, answers: Answers, options: ComposeOptions): string {
  if (isIneligible(target, answers)) return ineligibleBrief(target, answers, options);
  const all = effectiveAnswers(target, answers);
  const e = entryOf(target);
  const scenario = scenarioLabel(target, answers);
  const materials = resolveMaterials(target, answers, options.catalog);
  const list = materials.map((m, i) => `${CIRCLED[i] ?? `${i + 1}.`}${m.material.name}${m.onlyIf ? '（视情况）' : ''}`).join(' ');
  const picked = pickHall(target, options);
  const lines = [`【${nameOf(target)}】${scenario}`];
  if (e.channels.visits === 0) {
    lines.push(`网上办：${e.channels.online?.name ?? '本市政务服务网'}，不用跑大厅`);
    lines.push(`准备好（拍照上传）：${list || '无需另交材料'}${mark(target, '材料', all)}`);
    if (picked) lines.push(`不方便网上办，也可到：${hallShort(picked)}，${todayLine(picked, options)}`);
    else if (e.where) lines.push(`不方便网上办，也可到：${e.where}`);
  } else {
    lines.push(`请带：${list}${mark(target, '材料', all)}`);
    lines.push(`去：${picked ? hallShort(picked) : ''}${picked && e.where ? '；' : ''}${e.where ?? ''}${mark(target, '地点', all)}`);
    if (picked) lines.push(todayLine(picked, options));
  }
  lines.push(briefFacts(target, all));
  lines.push(closingLine(target, options));
  return lines.join('\n');
}

function whereBlock(target: Target, options: ComposeOptions): string {
  const e = entryOf(target);
  const picked = pickHall(target, options);
  const others = e.halls.filter((h) => h.hall !== picked?.hall.id).flatMap((h) => options.catalog.getHall(h.hall)?.name ?? []);
  const hallLines = picked
    ? [
        `${picked.hall.name} ${picked.window}`,
        `地址：${picked.hall.address}${picked.distanceKm === undefined ? '' : `（离您约${picked.distanceKm.toFixed(1)}公里）`}`,
        `办公时间：${weekLine(picked, options)}`,
        todayLine(picked, options),
        picked.hall.holidayNote,
        `电话：${picked.hall.phone}`,
        ...(others.length ? [`也可到：${others.join('、')}`] : []),
        ...(picked.hall.demo ? ['（大厅信息为演示数据）'] : []),
      ]
    : [];
  return [`去哪里办${picked?.distanceKm === undefined ? '' : '（离您最近）'}${mark(target, '地点')}：`, ...hallLines, ...(e.where ? [e.where] : [])].join('\n');
}

function resultLines(item: ServiceItem): string[] {
  return [`办理结果：${item.result}`, ...deliveryLines(item)];
}

function itemDetailBlocks(item: ServiceItem, target: Target, all: Answers, options: ComposeOptions): string[] {
  const conditions = item.conditions.flatMap((c) => (matchWhen(c.when, all).status === 'no' ? [] : [c.text]));
  return [
    [`办理条件${mark(target, '条件')}：`, ...numbered(conditions)].join('\n'),
    [`办理流程${mark(target, '流程')}：`, ...numbered(item.steps)].join('\n'),
    [`办理时限${mark(target, '时限')}：`, ...timeLimitLines(item.timeLimit)].join('\n'),
    [`收费${mark(target, '收费')}：`, ...feeLines(item, all, target, true)].join('\n'),
    [`怎么办、跑几次${mark(target, '办理方式')}：`, ...channelLines(item.channels), ...resultLines(item)].join('\n'),
    [
      ...(item.notes.length ? ['温馨提示：', ...numbered(item.notes)] : []),
      `咨询电话：${item.consultPhone}；投诉监督：12345`,
      `办理部门：${item.department}（${item.type}）`,
      `依据：${item.legalBasis.map((b) => `《${b.title.replace(/^《|》$/g, '')}》${b.article ?? ''}`).join('；')}`,
      ...provenanceLines(target, options),
    ].join('\n'),
  ];
}

function bundleDetailBlocks(target: Extract<Target, { kind: 'bundle' }>, all: Answers, options: ComposeOptions): string[] {
  const b = target.bundle;
  const items = activeItems(target, all);
  const rules = b.eligibility.map((r) => r.options.filter((o) => r.eligible.includes(o.value)).map((o) => o.label).join('或'));
  const provided = b.provided.filter((p) => items.some((i) => i.code === p.item));
  return [
    ['适用条件：', ...numbered(rules.length ? rules : ['无特别限制'])].join('\n'),
    ['这件事包含：', ...numbered(items.map((i) => `${i.name}（${i.department}）`))].join('\n'),
    ...(provided.length ? [['不用另交材料的：', ...provided.map((p) => `${items.find((i) => i.code === p.item)?.name ?? p.item}：${p.note}`)].join('\n')] : []),
    [`办理时限${mark(target, '时限', all)}：`, ...timeLimitLines(b.timeLimit)].join('\n'),
    [`收费${mark(target, '收费', all)}：`, ...items.map((i) => `${i.name}：${feeLines(i, all, target, true).join('；')}`)].join('\n'),
    [`怎么办、跑几次${mark(target, '办理方式', all)}：`, ...channelLines(b.channels)].join('\n'),
    ['办理结果：', ...numbered(items.map((i) => `${i.result}：${deliveryShort(i)}${i.channels.deliveryNote ? `（${i.channels.deliveryNote}）` : ''}`))].join('\n'),
    [
      ...(b.notes.length ? ['温馨提示：', ...numbered(b.notes)] : []),
      '投诉监督：12345',
      `牵头部门：${b.leadDepartment}`,
      ...provenanceLines(target, options, all),
    ].join('\n'),
  ];
}

/**
 * The rest of the 一次性告知, on request (详细说明): every material with form, copies and
 * exemptions, where (address, hours, other halls), conditions, steps, time limits, fees with their
 * basis, channels and booking, how the result comes, sources, unverified facts and dates.
 * Cut into messages about a phone screen long.
 */
export function composeDetails(target: Target, answers: Answers, options: ComposeOptions): string[] {
  if (isIneligible(target, answers)) return packMessages(ineligibleDetails(target, options), DETAIL_MESSAGE_BYTES);
  const all = effectiveAnswers(target, answers);
  const materials = resolveMaterials(target, answers, options.catalog);
  const scenario = scenarioLabel(target, answers);
  const head = [
    `【${nameOf(target)}·详细说明】${scenario ? `\n您的情况：${scenario}` : ''}`,
    `${entryOf(target).channels.visits === 0 ? '网上申请时准备好' : '要带的材料'}（共${materials.length}项）${mark(target, '材料', all)}：`,
    ...materials.map((m, i) => materialLine(m, i + 1, target)),
  ].join('\n');
  const rest = target.kind === 'item' ? itemDetailBlocks(target.item, target, all, options) : bundleDetailBlocks(target, all, options);
  return packMessages([head, whereBlock(target, options), ...rest], DETAIL_MESSAGE_BYTES);
}

function ineligibleBrief(target: Extract<Target, { kind: 'bundle' }>, answers: Answers, options: ComposeOptions): string {
  const reasons = eligibilityOf(target, effectiveAnswers(target, answers)).failed.map((r) => r.ineligibleNote);
  return [
    `【${target.bundle.name}】`,
    `您的情况（${reasons.join('；')}）不能按“一件事”合并办理，需要分别办：`,
    ...target.items.map((item, i) => `${i + 1}. ${item.name}`),
    '回复事项名称，我把那一项要带的材料一次告诉您。',
    closingLine(target, options),
  ].join('\n');
}

function ineligibleDetails(target: Extract<Target, { kind: 'bundle' }>, options: ComposeOptions): string[] {
  const lines = target.items.map((item, i) => {
    const ref = item.halls[0];
    const hall = ref ? options.catalog.getHall(ref.hall) : undefined;
    const place = [hall ? `${hall.name} ${ref?.window ?? ''}` : '', item.where ?? ''].filter(Boolean).join('；');
    return `${i + 1}. ${item.name}\n   部门：${item.department}\n   地点：${place || '以部门告知为准'}`;
  });
  return [['分别办理的事项：', ...lines].join('\n'), provenanceLines(target, options).join('\n')];
}

/**
 * A compact text for 「发给家人」: what to bring, where, when, fee, then the source, the version
 * and its date and the 演示数据 label, since this is the text that gets forwarded.
 */
export function forwardableSummary(target: Target, answers: Answers, options: ComposeOptions): string {
  const all = effectiveAnswers(target, answers);
  const e = entryOf(target);
  const name = nameOf(target);
  const source = `来源：${e.source.documents.map(documentText).join('；')}`;
  // The version line carries the demo label; the closing line adds only staleness and the disclaimer.
  const closing = closingLine(target, options).replace('【演示数据】', '');
  const version = `版本 ${e.version}（${e.effectiveDate}起施行，${e.lastVerified ? `${e.lastVerified}核实` : '尚未核实'}）${e.demo ? '【演示数据】' : ''}`;
  if (isIneligible(target, answers)) {
    return [`【办事清单】${name}：需分别办理`, ...target.items.map((i, n) => `${n + 1}. ${i.name}`), source, version, closing].join('\n');
  }
  const picked = pickHall(target, options);
  const scenario = scenarioLabel(target, answers);
  const materials = resolveMaterials(target, answers, options.catalog).map((m, i) => {
    const amount = m.form === '现场采集' || m.form === '现场填写' ? m.form : `${m.form}${m.copies}份`;
    return `${CIRCLED[i] ?? `${i + 1}.`}${m.material.name}（${amount}）${m.onlyIf ? `[仅当${describeWhen(m.onlyIf, dimensionsOf(target))}]` : ''}`;
  });
  const place = [picked ? `${picked.hall.name} ${picked.window}，${picked.hall.address}` : '', e.where ?? ''].filter(Boolean).join('；');
  return [
    `【办事清单】${name}${scenario ? `（${scenario}）` : ''}`,
    `${e.channels.visits === 0 ? '网上申请准备' : '要带'}：${materials.join(' ') || '无需另交材料'}`,
    ...(e.channels.visits === 0 ? [`网上办：${e.channels.online?.name ?? '本市政务服务网'}`] : []),
    `地点：${place}`,
    ...(picked ? [`时间：${weekLine(picked, options)}`] : []),
    briefFacts(target, all),
    bookingLine(e.channels),
    source,
    version,
    closing,
  ].join('\n');
}
