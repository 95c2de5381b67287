import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { DeskActionError, type AgentDesk } from '../../../bot/handoff/agent-desk';
import { supervisorView } from '../../../bot/handoff/supervision';
import { WorkOrderCategorySchema } from '../../../bot/handoff/work-orders';
import { canSupervise, UsernameSchema, type StaffDirectory, type StaffProfile } from '../../../bot/staff/model';
import { readJsonBody } from '../body';
import { HttpError } from '../errors';
import type { ConsoleLive } from './live';

/** What a logged-in request carries (set by the router's login middleware). */
export interface ConsoleState {
  profile: StaffProfile;
  token: string;
  csrf: string;
  /** The reveal endpoint: its answer is not masked. */
  unmasked?: boolean;
}

export const stateOf = (ctx: Context): ConsoleState => (ctx.state as { console: ConsoleState }).console;

const Key = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/).optional();
const CaseId = z.string().regex(/^h[a-z]{12}$/);
const TextBody = z.object({ text: z.string().max(4000), key: Key });
const KeyBody = z.object({ key: Key });
const TransferBody = z.union([z.object({ agent: UsernameSchema, key: Key }), z.object({ team: z.string().min(1).max(31), key: Key })]);
const CloseBody = z.object({
  resolution: z.string().max(2000),
  workOrder: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('none') }),
    z.object({ mode: z.literal('new'), category: WorkOrderCategorySchema }),
    z.object({ mode: z.literal('update'), reference: z.string().min(4).max(40), close: z.boolean() }),
  ]),
  key: Key,
});
const RevealBody = z.union([z.object({ entry: z.string().min(1).max(40), reason: z.string().max(200) }), z.object({ slot: z.string().min(1).max(60), reason: z.string().max(200) })]);
const PresenceBody = z.object({ status: z.enum(['online', 'away', 'offline']) });

function caseId(ctx: Context): string {
  const parsed = CaseId.safeParse(ctx.params['id']);
  if (!parsed.success) throw new HttpError(404, 'not_found', '找不到这个会话。');
  return parsed.data;
}

/** Runs a desk action, turning its refusals into HTTP answers with the agent's text. */
async function act<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DeskActionError) throw new HttpError(err.status, err.code, err.message);
    throw err;
  }
}

function supervisorsOnly(ctx: Context): void {
  if (!canSupervise(stateOf(ctx).profile.role)) throw new HttpError(403, 'forbidden', '需要班长或管理员权限。');
}

/**
 * The console's JSON API (`/console/api`), behind the login middleware and the CSRF check of
 * the router: the snapshot, one chat's detail, every agent action, the live stream (SSE, or JSON
 * polling behind a buffering proxy), the supervisor's view. Every answer is masked by the router
 * except a reveal's.
 */
export function mountConsoleApi(router: Router, deps: { agents: AgentDesk; staff: StaffDirectory; live: ConsoleLive; bodyLimitBytes: number; stillLoggedIn(token: string): Promise<boolean> }): void {
  const { agents, live } = deps;
  const body = <S extends z.ZodType>(ctx: Context, schema: S) => readJsonBody(ctx, schema, deps.bodyLimitBytes);
  const me = (ctx: Context) => stateOf(ctx).profile;

  router.get('/api/snapshot', async (ctx) => {
    ctx.body = await agents.snapshot(me(ctx));
  });
  router.get('/api/cases/:id', async (ctx) => {
    ctx.body = await act(() => agents.detail(me(ctx), caseId(ctx)));
  });
  router.post('/api/take-next', async (ctx) => {
    ctx.body = { case: await act(() => agents.take(me(ctx), 'next')) };
  });
  router.post('/api/cases/:id/take', async (ctx) => {
    ctx.body = { case: await act(() => agents.take(me(ctx), caseId(ctx))) };
  });
  router.post('/api/cases/:id/reply', async (ctx) => {
    const b = await body(ctx, TextBody);
    ctx.body = await act(() => agents.reply(me(ctx), caseId(ctx), b.text, b.key));
  });
  router.post('/api/cases/:id/note', async (ctx) => {
    const b = await body(ctx, TextBody);
    await act(() => agents.note(me(ctx), caseId(ctx), b.text, b.key));
    ctx.body = { ok: true };
  });
  router.post('/api/cases/:id/transfer', async (ctx) => {
    const b = await body(ctx, TransferBody);
    await act(() => agents.transfer(me(ctx), caseId(ctx), 'agent' in b ? { agent: b.agent } : { team: b.team }, b.key));
    ctx.body = { ok: true };
  });
  router.post('/api/cases/:id/release', async (ctx) => {
    const b = await body(ctx, KeyBody);
    await act(() => agents.release(me(ctx), caseId(ctx), b.key));
    ctx.body = { ok: true };
  });
  router.post('/api/cases/:id/hand-back', async (ctx) => {
    const b = await body(ctx, KeyBody);
    await act(() => agents.handBack(me(ctx), caseId(ctx), b.key));
    ctx.body = { ok: true };
  });
  router.post('/api/cases/:id/close', async (ctx) => {
    const b = await body(ctx, CloseBody);
    ctx.body = await act(() => agents.close(me(ctx), caseId(ctx), { resolution: b.resolution, workOrder: b.workOrder }, b.key));
  });
  router.post('/api/cases/:id/reveal', async (ctx) => {
    const b = await body(ctx, RevealBody);
    const target = 'entry' in b ? { entry: b.entry } : { slot: b.slot };
    ctx.body = await act(() => agents.reveal(me(ctx), caseId(ctx), target, b.reason));
    stateOf(ctx).unmasked = true;
  });
  router.post('/api/presence', async (ctx) => {
    const b = await body(ctx, PresenceBody);
    await agents.setPresence(me(ctx), b.status, { audit: true });
    ctx.body = { ok: true };
  });
  router.get('/api/events', async (ctx) => {
    const after = typeof ctx.query['after'] === 'string' ? ctx.query['after'] : ctx.get('Last-Event-ID') || undefined;
    if (ctx.query['poll'] === '1') {
      ctx.body = await live.poll(me(ctx), after);
      return;
    }
    const token = stateOf(ctx).token;
    await live.open(ctx, me(ctx), after, () => deps.stillLoggedIn(token));
  });
  router.get('/api/supervisor', async (ctx) => {
    supervisorsOnly(ctx);
    ctx.body = await supervisorView(agents.desk, deps.staff);
  });
}
