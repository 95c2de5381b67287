import { accept, reject, type SlotResult } from './result';

const TITLES = '先生|女士|小姐|老师|阿姨|大爷|大妈|师傅|同志|老人家';
const SURNAME_ONLY = new RegExp(`^(?:我)?(?:姓|免贵姓)([\\p{Script=Han}]{1,2})(?:${TITLES})?$`, 'u');
const INTRO = new RegExp(`(?:我叫|我的名字是|我名字叫|名字叫|免贵姓|我姓|叫我)([\\p{Script=Han}]{1,4}?)(?:${TITLES}|就行|就好|吧|，|,|。|$)`, 'u');
const WITH_TITLE = new RegExp(`^[\\p{Script=Han}]{1,3}(?:${TITLES})$`, 'u');
// Any short form of address; what it may not be is a number, a sentence or a question.
const PLAIN = /^[^？?。！!，,]{1,20}$/u;
// Words that are never anyone's name, though short and Chinese.
const NOT_A_NAME = /^(你好|您好|在吗|谢谢|好的|是的|不是|没有|不用|不知道|算了|可以|不行|跳过|随便|匿名|保密|不想说)$/u;

/**
 * How to address the resident: a name or a form of address ("王女士", "老李", "张建国", "我姓王").
 * Digits are never a name: a phone number typed here is refused with a hint.
 */
export function parseName(text: string): SlotResult {
  const t = text.trim().replace(/[。.!！~～\s]+$/u, '');
  if (/\d{5,}/u.test(t)) {
    // "我姓李，电话139…": the name said with the number is still the name.
    const stated = findNameIn(t);
    return stated ? accept(stated) : reject('这里请留个称呼就行（比如“王女士”），电话号码稍后再填。');
  }
  const surname = SURNAME_ONLY.exec(t);
  if (surname?.[1]) return accept(`${surname[1]}${/女士|小姐|阿姨|大妈/u.test(t) ? '女士' : /先生|大爷|师傅/u.test(t) ? '先生' : ''}` || surname[1]);
  if ((WITH_TITLE.test(t) || PLAIN.test(t)) && !NOT_A_NAME.test(t)) return accept(t);
  const found = findNameIn(t);
  if (found) return accept(found);
  return reject('请告诉我怎么称呼您，比如“王女士”或“张先生”。');
}

/** A name the resident states inside a longer message ("我叫王建国，电话…", "我姓李"), or undefined. */
export function findNameIn(text: string): string | undefined {
  const intro = INTRO.exec(text);
  return intro?.[1] && !NOT_A_NAME.test(intro[1]) ? intro[1] : undefined;
}
