import { dateOf, formatDate } from '../calendar';
import { resolveMaterials, targetOf, type Catalog } from '../catalog';
import type { Booking, RefusalRule } from './schema';
import { dayLabel, slotText } from './service';

/** Said with every booking answer: booking never replaces the traditional ways (国办发〔2020〕45号). */
export const TRADITIONAL_WAYS = '不预约也可以在办公时间到窗口现场取号；也可以拨打大厅电话预约，或请家人代约。';

const CIRCLED = ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩', '⑪', '⑫'];

/** 「①旧身份证 ②户口簿」 for the scenario the resident read, or undefined when the catalogue has no item. */
export function materialsLine(catalog: Catalog, code: string, answers: Record<string, string>): string | undefined {
  const target = targetOf(catalog, code);
  if (!target) return undefined;
  const list = resolveMaterials(target, answers, catalog);
  return list.map((m, i) => `${CIRCLED[i] ?? `${i + 1}.`}${m.material.name}${m.onlyIf ? '（视情况）' : ''}`).join(' ');
}

/** 「12月2日 08:00」: a deadline the resident acts before. */
export function deadlineText(ms: number, today: string): string {
  const date = dateOf(ms);
  const clock = new Date(ms + 8 * 3_600_000).toISOString().slice(11, 16);
  return `${date === today ? '今天' : formatDate(date)} ${clock}`;
}

export function placeText(b: Booking, catalog: Catalog): string {
  const hall = catalog.getHall(b.slot.hall);
  return `${b.hallName} ${b.slot.window}${hall ? `（${hall.address}）` : ''}`;
}

function personText(b: Booking): string {
  return `${b.applicant.nameMasked}（身份证 ${b.applicant.idMasked}）${b.pool === 'green' || b.applicant.elderly ? ' · 老年人绿色通道' : ''}`;
}

export interface ConfirmationParts {
  catalog: Catalog;
  today: string;
  deadline: number;
  reminder: 'scheduled' | 'too-soon' | 'declined';
  remindAt: number;
  noShows: number;
  noShowRule: { strikes: number; restrictDays: number };
  phone: string;
}

/** The booking answer: number, what, when, where, who, what to bring, how to change, the reminder, the traditional ways. */
export function confirmationText(b: Booking, p: ConfirmationParts): string[] {
  const materials = materialsLine(p.catalog, b.item.code, b.answers);
  const lines = [
    `预约成功！预约号：${b.reference}`,
    `事项：${b.item.name}`,
    `时间：${slotText(b.slot, p.today)}`,
    `地点：${placeText(b, p.catalog)}`,
    `办理人：${personText(b)}`,
    ...(materials ? [`请带：${materials}`] : []),
    `到了大厅凭预约号或身份证取号${b.pool === 'green' || b.applicant.elderly ? '，走老年人绿色通道优先办理' : '，优先办理'}；请提前10分钟到。`,
  ];
  const after = [
    `要取消或改时间，回复“我的预约”，${deadlineText(p.deadline, p.today)}前都可以改。`,
    p.reminder === 'scheduled' ? `提醒：${deadlineText(p.remindAt, p.today)}会在这里提醒您。` : p.reminder === 'too-soon' ? '时间就在眼前，这次不另发提醒了，请记好时间。' : '',
    p.noShows > 0 ? `注意：您有${p.noShows}次预约未到场的记录，累计${p.noShowRule.strikes}次将暂停网上预约${p.noShowRule.restrictDays}天；去不了请提前取消。` : '',
    `大厅电话：${p.phone}。${TRADITIONAL_WAYS}`,
  ].filter(Boolean);
  return [lines.join('\n'), after.join('\n')];
}

/** The day-before reminder. */
export function reminderText(b: Booking, catalog: Catalog, today: string): string {
  const materials = materialsLine(catalog, b.item.code, b.answers);
  return [
    `温馨提醒：您预约了${slotText(b.slot, today)}办理「${b.item.name}」。`,
    `地点：${placeText(b, catalog)}`,
    `预约号：${b.reference}；办理人：${b.applicant.nameMasked}`,
    ...(materials ? [`请带：${materials}`] : []),
    '去不了的话请回复“我的预约”取消，把号让给别人。',
  ].join('\n');
}

/** One booking as "我的预约" shows it. */
export function bookingSummary(b: Booking, catalog: Catalog, now: number, deadline: number): string {
  const today = dateOf(now);
  return [
    `预约号：${b.reference}`,
    `事项：${b.item.name}`,
    `时间：${slotText(b.slot, today)}`,
    `地点：${placeText(b, catalog)}`,
    `办理人：${personText(b)}`,
    `手机：${b.applicant.phoneMasked}`,
    now > deadline ? '已过取消和改时间的截止时间，去不了请致电大厅说明。' : `${deadlineText(deadline, today)}前可以取消或改时间。`,
  ].join('\n');
}

/** A booking in a list of choices: 「12月2日（明天，周三）10:00 居民身份证换领、补领」. */
export function bookingOption(b: Booking, today: string): string {
  return `${dayLabel(b.slot.date, today)}${b.slot.start} ${b.item.name}`.slice(0, 40);
}

/** Why a reservation was refused, and what the resident can do instead. */
export function refusalText(rule: RefusalRule, p: { today: string; until?: number; reference?: string; maxActive: number; maxActivePerBooker: number }): string {
  switch (rule) {
    case 'same-item-day':
      return `这一天办理人已经约过这个事项了${p.reference ? `（预约号 ${p.reference}）` : ''}，同一事项一天只能约一次。要换时间，请回复“我的预约”改时间。`;
    case 'max-active':
      return `办理人已经有${p.maxActive}个还没办的预约了，先办完或取消一个再约吧。回复“我的预约”可以查看和取消。`;
    case 'max-booker':
      return `这个账号已经约了${p.maxActivePerBooker}个还没办的预约，先办完或取消一个再约吧。`;
    case 'restricted':
      return `办理人近期多次预约未到场，网上预约暂停到${p.until ? formatDate(dateOf(p.until)) : '一段时间后'}。${TRADITIONAL_WAYS.replace('；也可以拨打大厅电话预约，或请家人代约', '')}`;
  }
}
