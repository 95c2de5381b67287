const ZONE = 'Asia/Shanghai';
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

function parts(at: number): { y: number; m: number; d: number; wd: number; hm: string } {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', weekday: 'short' });
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p['weekday'] ?? 'Sun');
  return { y: Number(p['year']), m: Number(p['month']), d: Number(p['day']), wd, hm: `${p['hour']}:${p['minute']}` };
}

/** A time for residents, relative to `now`: "今天 19:30", "明天 10:00", "12月3日（周四）10:00" (Beijing time). */
export function formatWhen(at: number, now: number, confirmed = true): string {
  const a = parts(at);
  const n = parts(now);
  const tomorrow = parts(now + 86_400_000);
  const estimate = confirmed ? '' : '（预计）';
  if (a.y === n.y && a.m === n.m && a.d === n.d) return `今天 ${a.hm}${estimate}`;
  if (a.y === tomorrow.y && a.m === tomorrow.m && a.d === tomorrow.d) return `明天 ${a.hm}${estimate}`;
  return `${a.y === n.y ? '' : `${a.y}年`}${a.m}月${a.d}日（${WEEKDAYS[a.wd]}）${a.hm}${estimate}`;
}
