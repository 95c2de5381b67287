/**
 * Street addresses in running text: a road, street or community name followed by a house number
 * ("幸福路88号", "解放街12号3单元"). Shared by the masking of logs (bot/pii.ts) and by slot
 * extraction ("幸福路88号门口的烧烤摊油烟太大" states where it happens).
 */

/** A number with its unit ("12号", "3单元", "甲12号", "88-3号", "三组"). */
export const HOUSE_NUMBER = '[甲乙丙丁]?[\\dA-Za-z一二三四五六七八九十百零〇两]+(?:[-之][\\dA-Za-z]+)?(?:号楼|号院|支弄|单元|号|弄|栋|幢|座|室|楼|层|排|户|组|队|院)';
/** What may follow the number: more numbers and units. */
export const HOUSE_REST = '[\\dA-Za-z\\-之号弄栋幢座单元室楼层排户组队院甲乙丙丁一二三四五六七八九十百零〇两]*';
export const PLACE_SUFFIX = '(?:路|街|巷|道|胡同|村|屯|庄|小区|社区|新村|花园|家园|公寓|大厦|大院|广场|苑|园|里|弄)';
/** Group 1: the road (with up to 12 characters before its suffix); group 2: the number and the rest. */
export const ADDRESS_SOURCE = `([\\u4e00-\\u9fa5]{1,12}${PLACE_SUFFIX})(${HOUSE_NUMBER}${HOUSE_REST})`;
/** Everyday words that end like a road name ("知道3号" is a date, "这里2楼" a direction). */
export const NOT_A_ROAD = /(?:知道|这里|那里|哪里|心里|家里)$/u;

const ADDRESS_IN_TEXT = new RegExp(ADDRESS_SOURCE, 'u');
// The road name starts after the last word that cannot be part of it ("我要投诉幸福路" → 幸福路).
const BEFORE_THE_ROAD = /^.*[在到于的了是住诉报映我们家边旁从向往对就那这个]/u;

/** The first street address in `text` ("幸福路88号"), without the words before the road's name. */
export function findAddressIn(text: string): string | undefined {
  const m = ADDRESS_IN_TEXT.exec(text);
  if (!m || NOT_A_ROAD.test(m[1]!)) return undefined;
  const road = m[1]!.replace(BEFORE_THE_ROAD, '');
  // "路88号" alone names no road.
  if ([...road].length < 2 || new RegExp(`^${PLACE_SUFFIX}$`, 'u').test(road)) return undefined;
  return `${road}${m[2]}`;
}
