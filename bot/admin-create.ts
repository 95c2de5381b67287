import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadDeskConfig } from '../flows/desk';
import { hashPassword } from '../integrations/http/console/passwords';
import { connectRedis } from '../integrations/redis';
import { RedisAuditLog, RedisStaffDirectory } from '../integrations/redis/staff';
import { loadCoreConfig } from './config';
import { loadDeskEnv } from './handoff/config';
import { silentLogger } from './logger';
import { PasswordSchema, ROLE_LABELS, RoleSchema, UsernameSchema } from './staff/model';

/**
 * `npm run admin:create -- --user NAME --role ROLE [--name 显示名] [--teams a,b] [--capacity N]`:
 * creates a console account in the shared store (REDIS_URL). The password is read from stdin,
 * twice (hidden on a terminal; two lines when piped). There are no default accounts: this is how
 * the first admin comes to be; admins create the others in the console.
 */

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** Reads the password twice: hidden on a terminal, two lines otherwise. */
async function readPasswords(): Promise<[string, string]> {
  if (!process.stdin.isTTY) {
    const lines: string[] = [];
    const rl = createInterface({ input: process.stdin, terminal: false });
    for await (const line of rl) {
      lines.push(line);
      if (lines.length === 2) break;
    }
    rl.close();
    return [lines[0] ?? '', lines[1] ?? ''];
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      process.stdout.write(prompt);
      const stdin = process.stdin;
      stdin.setRawMode(true);
      stdin.resume();
      let value = '';
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.setRawMode(false);
            stdin.pause();
            stdin.off('data', onData);
            process.stdout.write('\n');
            resolve(value);
            return;
          }
          if (ch === '\u0003') process.exit(130);
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  return [await ask('密码 Password: '), await ask('再输一次 Again: ')];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { user: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, teams: { type: 'string' }, capacity: { type: 'string' } },
    strict: true,
  });
  const username = UsernameSchema.safeParse(values.user?.toLowerCase());
  if (!username.success) fail('--user NAME: lower-case letters, digits, ".", "_" or "-", starting with a letter (2-32)');
  const role = RoleSchema.safeParse(values.role);
  if (!role.success) fail('--role ROLE: agent, supervisor or admin');
  const capacity = values.capacity === undefined ? undefined : Number(values.capacity);
  if (capacity !== undefined && (!Number.isInteger(capacity) || capacity < 1 || capacity > 20)) fail('--capacity N: a whole number from 1 to 20');

  const config = loadCoreConfig();
  if (!config.REDIS_URL) fail('REDIS_URL is not set: console accounts live in the shared store (Redis); set REDIS_URL as for the service');
  const desk = await loadDeskConfig();
  const known = desk.teams.map((t) => t.id);
  const teams = values.teams ? values.teams.split(',').map((t) => t.trim()).filter(Boolean) : role.data === 'agent' ? [desk.defaultTeam] : known;
  const unknown = teams.filter((t) => !known.includes(t));
  if (unknown.length || teams.length === 0) fail(`--teams: unknown team ${unknown.join(', ') || '(none)'} (known: ${known.join(', ')})`);

  const [password, again] = await readPasswords();
  const valid = PasswordSchema.safeParse(password);
  if (!valid.success) fail('密码至少12位 (the password needs at least 12 characters)');
  if (password !== again) fail('两次输入的密码不一样 (the passwords differ)');

  const logger = silentLogger();
  const client = await connectRedis(config.REDIS_URL, logger, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  try {
    const now = Date.now();
    const staff = new RedisStaffDirectory(client, { logger, prefix: config.KEY_PREFIX });
    const created = await staff.create({
      username: username.data,
      displayName: values.name?.trim() || username.data,
      role: role.data,
      teams,
      capacity: capacity ?? desk.capacity,
      passwordHash: await hashPassword(password),
      disabled: false,
      createdAt: now,
      updatedAt: now,
    });
    if (created === 'exists') fail(`账号 ${username.data} 已经存在 (account exists; change it in the console's 账号管理)`);
    const audit = new RedisAuditLog(client, { logger, prefix: config.KEY_PREFIX, retentionMs: loadDeskEnv(process.env).AUDIT_RETENTION_DAYS * 86_400_000, now: () => Date.now() });
    await audit.append({ at: now, actor: 'cli', action: 'account-create', target: username.data, detail: { role: role.data, teams: teams.join(',') } });
    process.stdout.write(`已创建账号 ${username.data}（${ROLE_LABELS[role.data]}）。Created ${role.data} account ${username.data}.\n登录 Log in: http://${config.HOST}:${config.PORT}/console\n`);
  } finally {
    await client.close();
  }
}

main().catch((err: unknown) => fail(`admin:create failed: ${err instanceof Error ? err.message : String(err)}`));
