import type { Context } from 'koa';
import type { AgentDesk } from '../../../bot/handoff/agent-desk';
import { maskDeep } from '../../../bot/handoff/mask';
import type { DeskEvent } from '../../../bot/handoff/ports';
import type { CaseSummary } from '../../../bot/handoff/views';
import type { Logger } from '../../../bot/logger';
import { canSupervise, type StaffProfile } from '../../../bot/staff/model';
import { createSseHub, type SseLimits, type SseStream } from '../sse';

/** Events replayed on reconnect before the snapshot; beyond this the snapshot alone catches up. */
const MAX_REPLAY = 500;
/** Presence of an open console is renewed this often. */
const RENEW_MS = 30_000;

/** Who may see an event: the actor's own offers; cases and messages of cases they may see; agents' status for everyone. */
export function visibleTo(actor: StaffProfile, event: DeskEvent): boolean {
  if (event.type === 'offer') return event.agent === actor.username;
  if (event.type === 'agents') return true;
  if (canSupervise(actor.role)) return true;
  const data = event.data as { case?: Partial<CaseSummary>; status?: string; team?: string; agent?: string };
  const c = data.case ?? { status: data.status as CaseSummary['status'], team: data.team, agent: data.agent };
  // A chat that was theirs: they see it move on (transferred, put back, ended).
  if (event.type === 'case' && (c.lastAgent === actor.username || c.transferredFrom === actor.username)) return true;
  if (c.status === 'queued') return c.team !== undefined && actor.teams.includes(c.team);
  if (c.status === 'agent') return c.agent === actor.username;
  // An ended case: its last holder sees it end.
  return c.lastAgent === actor.username || c.agent === actor.username;
}

export interface ConsoleLive {
  /**
   * Answers with the live stream: missed events after Last-Event-ID, a snapshot, then everything
   * as it happens. `stillLoggedIn` is asked now and then (it also keeps the login's idle timer
   * going: an open console is in use); once it says no, the page is told and goes to the login.
   */
  open(ctx: Context, actor: StaffProfile, lastEventId: string | undefined, stillLoggedIn: () => Promise<boolean>): Promise<void>;
  /** For pages behind a proxy that holds streams back: what came after `after`, or a snapshot, as one JSON answer. */
  poll(actor: StaffProfile, after: string | undefined): Promise<{ events: DeskEvent[]; snapshot?: unknown; last: string }>;
  connections(): number;
  close(): void;
}

/**
 * The console's live updates over SSE (plain HTTP, no upgrade; proxies pass it): every event
 * carries its stream id, so the browser's automatic reconnect (Last-Event-ID) resumes on any
 * instance from the shared Redis Stream; after the missed events (or instead of them, when they
 * are older than the stream keeps) a full snapshot brings the page up to date; a heartbeat event
 * lets the page tell a live stream from a stalled one (a buffering proxy), in which case it polls
 * the same replay as JSON. One subscription per instance fans out to its open consoles.
 */
export function createConsoleLive(options: { agents: AgentDesk; limits?: Partial<SseLimits>; logger: Logger; renewMs?: number }): ConsoleLive {
  const { agents } = options;
  const hub = createSseHub({ maxPerClient: 4, heartbeatEvent: 'heartbeat', paddingBytes: 2048, ...options.limits });
  const listeners = new Set<{ actor: StaffProfile; stream: SseStream; ready: boolean; buffered: DeskEvent[] }>();
  const unsubscribe = agents.desk.deps.events.subscribe((event) => {
    for (const l of listeners) {
      if (!visibleTo(l.actor, event)) continue;
      if (!l.ready) l.buffered.push(event);
      else l.stream.send(event.type, maskDeep(event.data), event.id);
    }
  });

  async function catchUp(actor: StaffProfile, after: string | undefined): Promise<{ events: DeskEvent[]; snapshot: unknown; last: string }> {
    const log = agents.desk.deps.events;
    // The position first: anything later reaches the page live (or on the next poll).
    const last = await log.last();
    const missed = after ? await log.after(after, MAX_REPLAY) : undefined;
    const events = (missed ?? []).filter((e) => visibleTo(actor, e) && compare(e.id, last) <= 0);
    return { events, snapshot: maskDeep(await agents.snapshot(actor)), last };
  }

  return {
    async open(ctx, actor, lastEventId, stillLoggedIn) {
      const stream = hub.open(ctx, actor.username);
      const listener = { actor, stream, ready: false, buffered: [] as DeskEvent[] };
      listeners.add(listener);
      const renew = setInterval(() => {
        void (async () => {
          if (!(await stillLoggedIn())) return stream.close('logged-out');
          await agents.renewPresence(actor);
        })().catch(() => undefined);
      }, options.renewMs ?? RENEW_MS);
      renew.unref();
      ctx.res.once('close', () => {
        listeners.delete(listener);
        clearInterval(renew);
      });
      try {
        // An open console is an agent at work: online unless they said otherwise (and before the snapshot, so it shows).
        await agents.renewPresence(actor, { comeOnline: true });
        const { events, snapshot, last } = await catchUp(actor, lastEventId);
        for (const e of events) stream.send(e.type, maskDeep(e.data), e.id);
        stream.send('snapshot', snapshot, last);
        for (const e of listener.buffered) if (compare(e.id, last) > 0) stream.send(e.type, maskDeep(e.data), e.id);
        listener.buffered = [];
        listener.ready = true;
      } catch (err) {
        options.logger.warn({ err }, 'console stream could not catch up');
        stream.close();
      }
    },
    async poll(actor, after) {
      const log = agents.desk.deps.events;
      const missed = after ? await log.after(after, MAX_REPLAY) : undefined;
      await agents.renewPresence(actor);
      if (missed) {
        const visible = missed.filter((e) => visibleTo(actor, e)).map((e) => ({ ...e, data: maskDeep(e.data) }));
        return { events: visible, last: missed.at(-1)?.id ?? after ?? (await log.last()) };
      }
      const { snapshot, last } = await catchUp(actor, undefined);
      return { events: [], snapshot, last };
    },
    connections: () => hub.count(),
    close() {
      unsubscribe();
      hub.closeAll();
    },
  };
}

/** Orders stream ids (`ms-seq`). */
function compare(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}
