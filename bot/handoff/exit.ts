/**
 * The resident's way out of the human service. 取消人工 (and its variants) works while waiting
 * and while talking with an agent; while only waiting, the everyday 取消/返回/菜单 work too
 * (nobody is talking with them yet). Matched on the whole normalised message.
 */
const LEAD = '(算了|那|好吧|好的|行)?[，,]?(我)?';
const ALWAYS = new RegExp(`^${LEAD}(请)?(帮我)?(取消|结束|退出|不要|不用|不找|不转)(了)?(转)?(人工|人工客服|人工服务|客服|排队)(了)?(吧)?$|^${LEAD}(不等了|不排了|不排队了|等不了了)(吧)?$`, 'u');
const WHILE_WAITING = /^(取消|返回|菜单|主菜单|算了|退出|不要了|不用了)$/u;

export function isHandoffExit(text: string, waiting: boolean): boolean {
  const t = text.replace(/[。.!！~～,，\s]+$/u, '').trim();
  return ALWAYS.test(t) || (waiting && WHILE_WAITING.test(t));
}
