import { parseLooseNumber } from './cn-number';
import { accept, reject, type SlotResult } from './result';

export interface ChoiceOption {
  label: string;
  value?: string;
  synonyms?: string[];
}

/**
 * Which option a reply picks, if any: "2", "第二个", "二", "选2", "2号", the label itself, a
 * synonym, or a reply containing exactly one option's label. Returns the 0-based index.
 */
export function pickOption(text: string, options: ChoiceOption[]): number | undefined {
  const t = text.trim().replace(/[。.!！,，、\s]+$/u, '');
  const n = numberedPick(t);
  if (n !== undefined) {
    return n >= 1 && n <= options.length ? n - 1 : undefined;
  }
  const exact = options.findIndex((o) => o.label === t || o.value === t || o.synonyms?.includes(t));
  if (exact >= 0) return exact;
  const containing = options.flatMap((o, i) => ([o.label, ...(o.synonyms ?? [])].some((w) => w.length >= 2 && t.includes(w)) ? [i] : []));
  if (containing.length === 1) return containing[0];
  // A reply that is part of exactly one label ("预约" for "预约办理").
  const partOf = t.length >= 2 ? options.flatMap((o, i) => (o.label.includes(t) ? [i] : [])) : [];
  return partOf.length === 1 ? partOf[0] : undefined;
}

/** The number in a numbered pick ("2", "第二个", "选2", "2号"), or undefined. */
function numberedPick(t: string): number | undefined {
  const numbered = /^(?:第|选|选择|要)?\s*([0-9]{1,2}|[一二两三四五六七八九十]{1,2})\s*(?:个|项|号|条|种)?$/u.exec(t);
  return numbered?.[1] ? parseLooseNumber(numbered[1]) : undefined;
}

export function parseChoice(text: string, options: ChoiceOption[]): SlotResult {
  const index = pickOption(text, options);
  const option = index === undefined ? undefined : options[index];
  if (!option) {
    // "第九个" out of range deserves the same hint as "9".
    const n = numberedPick(text.trim().replace(/[。.!！,，、\s]+$/u, ''));
    return reject(n !== undefined ? `没有第${n}项，请回复1到${options.length}之间的数字。` : undefined);
  }
  return accept(option.value ?? option.label);
}

const YES = ['是', '是的', '对', '对的', '好', '好的', '确认', '确定', '可以', '行', '嗯', '要', '需要', '有', 'y', 'yes', 'ok', '没错', '没问题'];
const NO = ['否', '不', '不是', '不对', '不要', '不用', '不需要', '没有', '无', '算了', 'n', 'no'];

/** yes/no: 是/对/好/确认/1 → true; 否/不/不用/没有/2 → false. */
export function parseYesNo(text: string): SlotResult {
  const t = text.trim().toLowerCase().replace(/[。.!！,，\s]+$/u, '');
  if (t === '1' || YES.includes(t)) return accept(true);
  if (t === '2' || NO.includes(t)) return accept(false);
  if (/^(不|没|别)/u.test(t)) return accept(false);
  if (/^(是|对|好|确认|可以)/u.test(t) || /^嗯+$/u.test(t)) return accept(true);
  return reject('请回复“是”或“否”（也可以回复1或2）。');
}
