import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bot/cli-chat.ts` with `lines` piped to stdin (not a TTY), as `npm run chat` would. */
function chat(lines: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'bot/cli-chat.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, REDIS_URL: '', LOG_LEVEL: 'info', CITY_NAME: '演示市', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(lines.map((line) => `${line}\n`).join(''));
  });
}

/** Splits stdout into the bot's messages (each starts with "机器人："). */
function botMessages(stdout: string): string[] {
  return stdout
    .split(/^机器人：/m)
    .slice(1)
    .map((block) => block.trim());
}

describe('npm run chat with piped stdin', () => {
  it('answers each line in order and exits 0 at EOF with only the conversation on stdout', async () => {
    const run = await chat(['菜单', '1']);
    expect(run.code).toBe(0);
    const [menu, ...after] = botMessages(run.stdout);
    // The main menu comes first, numbered as on every text channel, with the configured city.
    expect(menu).toContain('演示市');
    expect(menu).toMatch(/^1\. \S+/m);
    expect(menu).toMatch(/^2\. \S+/m);
    // Picking "1" moved the conversation on: a different, non-empty answer follows.
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after[0]).not.toBe(menu);
    expect(after[0]?.length).toBeGreaterThan(0);
    // Turn logs (LOG_LEVEL=info) go to stderr as JSON, never into the conversation.
    expect(run.stdout).not.toContain('"level"');
    expect(run.stderr).toContain('"msg":"turn"');
  }, 60_000);

  it('sends slash commands as menu clicks and follow events', async () => {
    const run = await chat(['/subscribe', '/menu MENU_HELP', '/help']);
    expect(run.code).toBe(0);
    const messages = botMessages(run.stdout);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    // /help is answered locally and lists the commands.
    expect(run.stdout).toContain('/location 纬度 经度');
  }, 60_000);

  it('exits 0 with no output for empty input', async () => {
    const run = await chat([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
  }, 60_000);

  it('plays the whole 12345 loop on the embedded defaults: filing, /workorder as the department, the reply and the rating', async () => {
    const filing = ['我要投诉，楼下广场舞每天晚上十点还在放，吵得睡不着', '幸福小区北门广场', '跳过', '跳过', '李大爷', '13912345678', '好', '确认'];
    const first = await chat(filing);
    const reference = /工单号 (GD\d{14})/u.exec(first.stdout)?.[1];
    expect(reference, first.stdout).toBeDefined();
    // The memory state lives in one process: the same filing, then the department's moves, in one run.
    const run = await chat([...filing, `/workorder dispatch ${reference} 幸福街道办事处`, `/workorder reply ${reference} 已和广场舞队约定九点前结束`, `/workorder close ${reference}`, '2', '音量还是很大', '查询工单']);
    expect(run.code).toBe(0);
    const messages = botMessages(run.stdout);
    expect(messages.some((m) => m.includes(`（工单 ${reference}）已办结。\n答复：已和广场舞队约定九点前结束`))).toBe(true);
    expect(messages.some((m) => m.startsWith(`请您为工单 ${reference} 的办理评价`))).toBe(true);
    expect(messages.some((m) => m.includes('主要是哪里不满意'))).toBe(true);
    expect(messages.some((m) => m.includes('转入整改'))).toBe(true);
    expect(messages.some((m) => m.includes('您评价不满意，「幸福街道办事处」正在整改'))).toBe(true);
    // Operator lines list the order masked: no phone in full anywhere but the resident's own summary.
    expect(run.stdout.split('\n').filter((l) => l.startsWith(reference!)).every((l) => !l.includes('13912345678'))).toBe(true);
  });
});
