import type { Catalog } from './catalog';
import { describeToday, describeWeek, nearestHall, type LatLng } from './halls';
import { eligibilityOf } from './questions';
import { describeWhen, dimensionsOf, effectiveAnswers, matchWhen, resolveMaterials, type ResolvedMaterial, type Target } from './resolve';
import type { Answers, Channels, Duration, Hall, ServiceItem, TimeLimit } from './schema';

export const DISCLAIMER = '以本市最新实施清单和窗口审核为准';
/** Keep each message under this many UTF-8 bytes (WeChat text limit is 2,048). */
export const MAX_MESSAGE_BYTES = 1800;

export interface ComposeOptions {
  catalog: Catalog;
  /** Where the resident is; the nearest listed hall is suggested. Else the first listed hall. */
  nearestTo?: LatLng;
  now: Date;
  timeZone?: string;
}

const CIRCLED = ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩', '⑪', '⑫', '⑬', '⑭', '⑮', '⑯', '⑰', '⑱', '⑲', '⑳'];

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
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
  for (const block of blocks) {
    if (bytes(block) <= limit) push(block);
    else for (const line of block.split('\n')) push(line);
  }
  if (current) messages.push(current);
  return messages;
}

function materialLine(m: ResolvedMaterial, n: number, target: Target): string {
  const amount = m.form === '现场采集' || m.form === '现场填写' ? m.form : `${m.form}${m.copies}份`;
  const extras = [...m.notes];
  if (m.material.notes) extras.push(m.material.notes);
  if (m.material.exemptIf) extras.push(`可免提交：${m.material.exemptIf.note}`);
  if (m.material.rongque) extras.push('可容缺后补');
  let line = `${n}. ${m.material.name}（${amount}）${extras.length ? `：${extras.join('；')}` : ''}`;
  if (m.onlyIf) line += `\n   （仅当：${describeWhen(m.onlyIf, dimensionsOf(target))}）`;
  if (target.kind === 'bundle') line += `\n   用于：${m.neededBy.map((i) => i.name).join('、')}`;
  return line;
}

function scenarioLabel(target: Target, answers: Answers): string {
  const all = effectiveAnswers(target, answers);
  return dimensionsOf(target)
    .flatMap((d) => d.options.find((o) => o.value === all[d.id])?.label ?? [])
    .join(' · ');
}

function pickHall(target: Target, options: ComposeOptions): { hall: Hall; window: string; distanceKm?: number } {
  const refs = target.kind === 'item' ? target.item.halls : target.bundle.halls;
  const candidates = refs.flatMap((r) => {
    const hall = options.catalog.getHall(r.hall);
    return hall ? [{ hall, window: r.window }] : [];
  });
  const near = options.nearestTo ? nearestHall(candidates, options.nearestTo) : undefined;
  const chosen = near ?? candidates[0];
  if (!chosen) throw new Error(`composeAnswer(): no hall for ${target.kind === 'item' ? target.item.code : target.bundle.code}`);
  return chosen;
}

function whereBlock(target: Target, options: ComposeOptions): string {
  const { hall, window, distanceKm } = pickHall(target, options);
  const distance = distanceKm === undefined ? '' : `（离您约${distanceKm.toFixed(1)}公里）`;
  return [
    `二、去哪里办${distanceKm === undefined ? '' : '（离您最近）'}：`,
    `${hall.name} ${window}`,
    `地址：${hall.address}${distance}`,
    `办公时间：${describeWeek(options.catalog.calendar, hall, options.now, window)}`,
    describeToday(options.catalog.calendar, hall, options.now, window),
    hall.holidayNote,
    `电话：${hall.phone}`,
    ...(hall.demo ? ['（大厅信息为演示数据）'] : []),
  ].join('\n');
}

function durationText(d: Duration): string {
  if (d.kind === 'immediate') return `即办${d.note ? `（${d.note}）` : ''}`;
  return `${d.startRule === '受理当日起算' ? '自受理当日起' : '自受理之日起'}${d.value}个${d.unit}内${d.note ? `（${d.note}）` : ''}`;
}

function timeLimitText(t: TimeLimit): string[] {
  return [
    ...(t.statutory ? [`法定时限：${durationText(t.statutory)}`] : []),
    ...(t.promised ? [`承诺时限：${durationText(t.promised)}`] : []),
    ...(t.note ? [t.note] : []),
  ];
}

function feeLines(item: ServiceItem, answers: Answers, target: Target): string[] {
  if (item.fees === '不收费') return [`不收费${item.feeNote ? `（${item.feeNote}）` : ''}`];
  const lines = item.fees.flatMap((f) => {
    const { status, open } = matchWhen(f.when, answers);
    if (status === 'no') return [];
    const cond = status === 'unknown' ? `（${describeWhen(open, dimensionsOf(target))}时）` : '';
    return [`${f.name}${f.amountCny}元${cond}`];
  });
  return item.feeNote ? [...lines, item.feeNote] : lines;
}

function channelLines(c: Channels): string[] {
  return [
    c.visits === 0 ? '全程网办，不用跑大厅' : `需到现场${c.visits}次`,
    ...(c.onlineNote ? [c.onlineNote] : []),
    c.booking ? '支持网上预约' : '不需要预约',
    c.ems === '不支持' ? '结果需现场领取' : `结果可${c.ems}${c.emsNote ? `（${c.emsNote}）` : ''}`,
    ...c.crossRegion.map((x) => `${x.scope}：${x.mode}`),
  ];
}

function numbered(lines: string[]): string[] {
  return lines.map((l, i) => `${CIRCLED[i] ?? `${i + 1}.`}${l}`);
}

function itemBlocks(item: ServiceItem, target: Target, all: Answers): string[] {
  const conditions = item.conditions.flatMap((c) => (matchWhen(c.when, all).status === 'no' ? [] : [c.text]));
  return [
    ['三、办理条件：', ...numbered(conditions)].join('\n'),
    ['四、办理流程：', ...numbered(item.steps)].join('\n'),
    ['五、办理时限：', ...timeLimitText(item.timeLimit)].join('\n'),
    ['六、收费：', ...feeLines(item, all, target)].join('\n'),
    ['七、网上办和跑腿次数：', ...channelLines(item.channels)].join('\n'),
    [`八、办理结果：${item.result}`, ...(item.notes.length ? ['温馨提示：', ...numbered(item.notes)] : []), `咨询电话：${item.consultPhone}；投诉监督：12345`].join('\n'),
    [
      `办理部门：${item.department}（${item.type}）`,
      `依据：${item.legalBasis.map((b) => `《${b.title.replace(/^《|》$/g, '')}》${b.article ?? ''}`).join('；')}`,
      `来源：${item.source.basis}——${item.source.text}`,
      `事项编码 ${item.code}，版本 ${item.version}，${item.effectiveDate} 起施行，最近核实 ${item.lastVerified}`,
      ...(item.demo ? ['【演示数据】'] : []),
      DISCLAIMER,
    ].join('\n'),
  ];
}

function bundleFeeLines(target: Extract<Target, { kind: 'bundle' }>, all: Answers): string[] {
  if (target.items.every((i) => i.fees === '不收费' && !i.feeNote)) return ['各事项均不收费'];
  return target.items.map((i) => `${i.name}：${feeLines(i, all, target).join('；')}`);
}

function bundleBlocks(target: Extract<Target, { kind: 'bundle' }>, all: Answers): string[] {
  const b = target.bundle;
  const rules = b.eligibility.map((r) => r.options.filter((o) => r.eligible.includes(o.value)).map((o) => o.label).join('或'));
  return [
    ['三、适用条件：', ...numbered(rules.length ? rules : ['无特别限制'])].join('\n'),
    ['四、一件事包含：', ...numbered(target.items.map((i) => i.name))].join('\n'),
    ['五、办理时限：', ...timeLimitText(b.timeLimit)].join('\n'),
    ['六、收费：', ...bundleFeeLines(target, all)].join('\n'),
    ['七、网上办和跑腿次数：', ...channelLines(b.channels), ...(b.notes.length ? ['温馨提示：', ...numbered(b.notes)] : []), '投诉监督：12345'].join('\n'),
    [
      `牵头部门：${b.leadDepartment}`,
      `来源：${b.source.basis}——${b.source.text}`,
      `编码 ${b.code}，版本 ${b.version}，${b.effectiveDate} 起施行，最近核实 ${b.lastVerified}`,
      ...(b.demo ? ['【演示数据】'] : []),
      DISCLAIMER,
    ].join('\n'),
  ];
}

function ineligibleBlocks(target: Extract<Target, { kind: 'bundle' }>, reasons: string[], options: ComposeOptions): string[] {
  const lines = target.items.map((item, i) => {
    const ref = item.halls[0];
    const hall = ref ? options.catalog.getHall(ref.hall) : undefined;
    return `${i + 1}. ${item.name}\n   部门：${item.department}\n   地点：${hall ? `${hall.name} ${ref?.window ?? ''}` : '以部门告知为准'}`;
  });
  return [
    `【${target.bundle.name}】\n您的情况（${reasons.join('；')}）暂时不能按“一件事”合并办理，需要分别办理下面这些事项：`,
    [...lines, '回复事项名称，我把每一项要带的材料一次告诉您。'].join('\n'),
    [`来源：${target.bundle.source.basis}——${target.bundle.source.text}`, ...(target.bundle.demo ? ['【演示数据】'] : []), DISCLAIMER].join('\n'),
  ];
}

/**
 * The complete 一次性告知 for an item or bundle as short text messages, key facts first (what to
 * bring, where, when), then conditions, steps, time limits, fees, online options, source and the
 * disclaimer. Every fact comes from the catalogue; unanswered scenario questions show the
 * material with 「仅当：…」 rather than guessing.
 */
export function composeAnswer(target: Target, answers: Answers, options: ComposeOptions): string[] {
  const all = effectiveAnswers(target, answers);
  const eligibility = eligibilityOf(target, all);
  if (target.kind === 'bundle' && eligibility.status === 'no') {
    return packMessages(ineligibleBlocks(target, eligibility.failed.map((r) => r.ineligibleNote), options));
  }
  const name = target.kind === 'item' ? target.item.name : target.bundle.name;
  const scenario = scenarioLabel(target, answers);
  const materials = resolveMaterials(target, answers, options.catalog);
  const head = [
    `【${name}】${scenario ? `\n您的情况：${scenario}` : ''}`,
    `一、请带齐这些材料（共${materials.length}项）：`,
    ...materials.map((m, i) => materialLine(m, i + 1, target)),
  ].join('\n');
  const rest = target.kind === 'item' ? itemBlocks(target.item, target, all) : bundleBlocks(target, all);
  return packMessages([head, whereBlock(target, options), ...rest]);
}

/** A compact text for 「发给家人」: what to bring, where, when, fee, and the disclaimer. */
export function forwardableSummary(target: Target, answers: Answers, options: ComposeOptions): string {
  const all = effectiveAnswers(target, answers);
  const eligibility = eligibilityOf(target, all);
  const name = target.kind === 'item' ? target.item.name : target.bundle.name;
  if (target.kind === 'bundle' && eligibility.status === 'no') {
    return [`【办事清单】${name}：需分别办理`, ...target.items.map((i, n) => `${n + 1}. ${i.name}`), DISCLAIMER].join('\n');
  }
  const { hall, window } = pickHall(target, options);
  const scenario = scenarioLabel(target, answers);
  const materials = resolveMaterials(target, answers, options.catalog).map((m, i) => {
    const amount = m.form === '现场采集' || m.form === '现场填写' ? m.form : `${m.form}${m.copies}份`;
    return `${CIRCLED[i] ?? `${i + 1}.`}${m.material.name}（${amount}）${m.onlyIf ? `[仅当${describeWhen(m.onlyIf, dimensionsOf(target))}]` : ''}`;
  });
  const fees = target.kind === 'item' ? feeLines(target.item, all, target) : bundleFeeLines(target, all);
  const channels = target.kind === 'item' ? target.item.channels : target.bundle.channels;
  return [
    `【办事清单】${name}${scenario ? `（${scenario}）` : ''}`,
    `要带：${materials.join(' ')}`,
    `地点：${hall.name} ${window}，${hall.address}`,
    `时间：${describeWeek(options.catalog.calendar, hall, options.now, window)}`,
    `费用：${fees.join('；')}`,
    channels.visits === 0 ? '可全程网办' : `需到现场${channels.visits}次${channels.booking ? '，可网上预约' : ''}`,
    DISCLAIMER,
  ].join('\n');
}

