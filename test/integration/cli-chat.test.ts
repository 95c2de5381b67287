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
});
