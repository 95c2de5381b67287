import { accept, reject, type SlotResult } from './result';

// Who is named: "我叫…", "她叫…", "我妈叫…", "姓名：…", "名字是…".
const WHO = '我|她|他|老人|老人家|老伴|我妈|我爸|我妈妈|我爸爸|妈妈|爸爸|母亲|父亲|我母亲|我父亲|爷爷|奶奶|外公|外婆|姥姥|姥爷|孩子|本人|办理人|申请人';
const INTRO = new RegExp(`(?:(?:${WHO})(?:的名字|的姓名)?(?:叫|是|名叫)|(?:名字|姓名)(?:是|叫|为)?[:：]?|我的名字是)\\s*`, 'u');
const DOT = /[·•・．.\u00b7\u2027\u30fb]/gu;
// A name on an ID card: 2–5 Han characters, or parts joined by a middle dot (阿依古丽·买买提).
const PLAIN = /^\p{Script=Han}{2,5}$/u;
const DOTTED = /^\p{Script=Han}{1,12}(?:·\p{Script=Han}{1,12}){1,3}$/u;
const TITLE = /(先生|女士|小姐|阿姨|大爷|大妈|师傅|老师|同志|老人家)$/u;
const NOT_A_NAME = /^(你好|您好|谢谢|好的|是的|不是|没有|不用|不知道|算了|可以|不行|跳过|随便|匿名|保密|不想说|我自己|本人|自己|给我妈|给我爸|老人)$/u;
// Inside a sentence a plain name ends where the sentence goes on ("我妈叫张桂兰今年七十了").
const FOUND = new RegExp(
  `(?:${INTRO.source})(\\p{Script=Han}{1,12}(?:·\\p{Script=Han}{1,12}){1,3}|\\p{Script=Han}{2,4}?)(?=$|[\\s，,。；;！!？?、\\d]|今年|身份证|电话|手机|号码|的|岁|她|他|要|想|预约|办)`,
  'u',
);

function clean(text: string): string {
  return text.trim().replace(/[。!！~～\s]+$/u, '').replace(DOT, '·');
}

/**
 * A person's full name as on their ID card (实名), for bookings and applications: "张桂兰",
 * "阿依古丽·买买提", "我叫王建国", "她叫张桂兰". A form of address ("王女士") or a single
 * character is refused with a hint; digits are never a name.
 */
export function parseFullName(text: string): SlotResult {
  let t = clean(text);
  if (/\d{3,}/u.test(t)) return reject('这里请写姓名；身份证号和手机号稍后再填。');
  const intro = INTRO.exec(t);
  if (intro && intro.index === 0) t = t.slice(intro[0].length);
  t = t.replace(/(就行|就好|吧)$/u, '');
  if (NOT_A_NAME.test(t)) return reject('请告诉我办理人身份证上的姓名，比如“张桂兰”。');
  if (TITLE.test(t)) return reject('预约要用身份证上的姓名（实名），请写全名，比如“张桂兰”。');
  if (PLAIN.test(t) || DOTTED.test(t)) return accept(t);
  if (/^\p{Script=Han}$/u.test(t)) return reject('请写全名（身份证上的姓名），比如“张桂兰”。');
  return reject('请告诉我办理人身份证上的姓名，比如“张桂兰”。');
}

/** A full name stated inside a longer message ("我妈叫张桂兰，身份证…"), or undefined. */
export function findFullNameIn(text: string): string | undefined {
  const m = FOUND.exec(text.replace(DOT, '·'));
  const name = m?.[1]?.replace(/(就行|就好|吧)$/u, '');
  if (!name || TITLE.test(name) || NOT_A_NAME.test(name)) return undefined;
  return PLAIN.test(name) || DOTTED.test(name) ? name : undefined;
}
