/**
 * `npm run wechat:menu [-- --dry-run] [-- --file path/to/menu.yaml]`: validates flows/menu.yaml
 * and publishes it as the official account's bottom menu (`cgi-bin/menu/create`). With
 * --dry-run it prints the JSON body and sends nothing.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { systemClock } from '../../bot/clock';
import { parseEnv } from '../../bot/config';
import { MemoryConversationLock, MemorySessionStore } from '../../bot/memory';
import { DEFAULT_MENU_FILE, loadMenu } from '../../flows/menu';
import { menuBody } from './api/bodies';
import { WechatApiClient } from './api/client';
import { StableTokenProvider } from './api/token';
import { WechatEnvSchema } from './config';

export async function publishMenu(argv: string[], env: Record<string, string | undefined>, out: (line: string) => void): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { 'dry-run': { type: 'boolean', default: false }, file: { type: 'string' } } });
  const file = values.file ?? DEFAULT_MENU_FILE;
  const menu = await loadMenu(file);
  if (values['dry-run']) {
    out(JSON.stringify(menuBody(menu), null, 2));
    return;
  }
  const e = parseEnv(WechatEnvSchema, env);
  if (!e.WECHAT_APPID || !e.WECHAT_APPSECRET) throw new Error('wechat:menu: WECHAT_APPID and WECHAT_APPSECRET are required (or use --dry-run)');
  const http = { base: e.WECHAT_API_BASE };
  // stable_token in normal mode never invalidates the running app's token, so a local cache is safe here.
  const tokens = new StableTokenProvider({
    appid: e.WECHAT_APPID,
    secret: e.WECHAT_APPSECRET,
    http,
    store: new MemorySessionStore({ sweepMs: false }),
    lock: new MemoryConversationLock(),
    clock: systemClock,
  });
  await new WechatApiClient({ http, tokens }).createMenu(menu);
  out(`wechat:menu: published ${menu.buttons.length} button(s) from ${file} to ${e.WECHAT_APPID}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  publishMenu(process.argv.slice(2), process.env, (line) => console.log(line)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
