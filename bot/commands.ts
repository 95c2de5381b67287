/**
 * Global commands: they work in every state, before any flow sees the message. Each is matched
 * on the whole (normalised) message, so "返回" is a command but "我想返回老家落户" is not.
 */
export type Command = 'menu' | 'back' | 'cancel' | 'softCancel' | 'restart' | 'human' | 'help' | 'repeat' | 'forget';

const COMMANDS: [Command, RegExp][] = [
  ['forget', /^(请)?(帮我)?(删除|清除|清空)(我的)?(全部|所有)?(对话|聊天)?(记录|数据|信息)$/u],
  ['menu', /^(菜单|主菜单|首页|目录|返回主菜单|回到主菜单|返回首页|回到首页|回首页|menu)$/iu],
  ['back', /^(返回|上一步|回上一步|退回|后退|返回上一步)$/u],
  ['cancel', /^(取消|退出|不办了|结束|算了|不要了|停止)$/u],
  // "算了不投诉了", "我还是不反映了": the request in progress is dropped.
  ['cancel', /^(算了[，,]?)?(我)?(还是)?(先)?不(办|投诉|举报|反映|提|说|弄|填|报|求助)了(吧)?$/u],
  // Stop words that are also answers ("不约了" picks 取消预约 in 我的预约) and requests outside a dialogue.
  ['softCancel', /^(先)?(不约了|不预约了|不想约了|不想预约了|不约|不查了|不用查了)$/u],
  ['restart', /^(重新开始|重来|从头开始|重新来)$/u],
  ['human', /^(我要|我想|请|帮我)?(转)?(人工|真人|客服|人工客服|人工服务|找人工|接人工)(客服|服务)?(吧|谢谢)?$/u],
  ['help', /^(帮助|help|怎么用|使用帮助|使用说明|\?|？)$/iu],
  ['repeat', /^(再说一遍|再说一次|没听清|没看清|没看清楚|重复一遍|重复|刚才说的?啥|刚才问的?啥|刚才问的是啥|你说啥|你说的啥|说的啥|问的啥)$/u],
];

function commandOf(text: string): Command | undefined {
  const t = text.replace(/[。.!！~～,，？?\s]+$/u, '').trim() || text.trim();
  return COMMANDS.find(([, re]) => re.test(t))?.[0];
}

/** The command the whole message is — or every clause of it ("刚才问的啥，没看清"). */
export function matchCommand(text: string): Command | undefined {
  const whole = commandOf(text);
  if (whole) return whole;
  const clauses = text.split(/[，,。；;！!？?]+/u).filter((c) => c.trim());
  if (clauses.length < 2) return undefined;
  const each = clauses.map(commandOf);
  return each.every((c) => c !== undefined && c === each[0]) ? each[0] : undefined;
}
