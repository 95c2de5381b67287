import type { StaffDirectory } from '../staff/model';
import type { HandoffDesk } from './desk';
import { isActive, type HandoffCase } from './model';
import type { CaseSummary } from './views';
import type { WorkOrderSummary } from './work-orders';

/** An SLA clock in the team's working time: how much has run, against which target. */
export interface SlaClock {
  ms: number;
  targetMs: number;
  state: 'ok' | 'warn' | 'breached';
  /** The clock has stopped (the response came, the chat ended). */
  done: boolean;
}

export interface SupervisorView {
  now: number;
  teams: { id: string; name: string; open: boolean; hours: string; waiting: number; oldestWaitMs?: number; online: number; free: number }[];
  agents: { username: string; displayName: string; role: string; teams: string[]; status: 'online' | 'away' | 'offline'; load: number; capacity: number; chats: string[] }[];
  cases: { case: CaseSummary; clocks: { firstResponse: SlaClock; resolution: SlaClock } }[];
  today: { ended: number; served: number; rated: number; averageScore?: number; bad: number; averageWaitMs?: number; breachedFirstResponse: number };
  workOrders: { connected: boolean; overdue: WorkOrderSummary[]; rectification: WorkOrderSummary[]; error?: string };
}

function clock(ms: number, targetMs: number, warnAt: number, done: boolean): SlaClock {
  return { ms, targetMs, state: ms >= targetMs ? 'breached' : ms >= targetMs * warnAt ? 'warn' : 'ok', done };
}

/** The SLA clocks of a case: first response and resolution, both from when the resident started waiting, in the team's working time. */
export function slaClocks(desk: HandoffDesk, c: HandoffCase, now: number): { firstResponse: SlaClock; resolution: SlaClock } {
  const { sla } = desk.config;
  const hours = desk.deps.hours;
  const until = (end: number | undefined) => hours.workingMs(c.team, c.queuedAt, end ?? now);
  return {
    firstResponse: clock(until(c.firstResponseAt ?? c.endedAt), sla.firstResponseMinutes * 60_000, sla.warnAt, c.firstResponseAt !== undefined || c.endedAt !== undefined),
    resolution: clock(until(c.endedAt), sla.resolutionMinutes * 60_000, sla.warnAt, c.endedAt !== undefined),
  };
}

/** Start of the local (Beijing) day of `at`. */
function dayStart(at: number): number {
  const offset = 8 * 3_600_000;
  return Math.floor((at + offset) / 86_400_000) * 86_400_000 - offset;
}

/** What a supervisor sees: queues per team, agents and their load, every active chat with its clocks, today's figures, the work orders to chase. */
export async function supervisorView(desk: HandoffDesk, staff: StaffDirectory): Promise<SupervisorView> {
  const now = desk.now();
  const store = desk.deps.store;
  const [active, accounts, marks, ended] = await Promise.all([store.active(), staff.list(), desk.deps.presence.list(now), store.ended(dayStart(now), 500)]);
  const queued = active.filter((c) => c.status === 'queued');
  const teams = [];
  for (const t of desk.config.teams) {
    const waiting = queued.filter((c) => c.team === t.id);
    const capacity = await desk.capacityOf(t.id, now);
    teams.push({
      id: t.id,
      name: t.name,
      open: desk.isOpen(t.id, now),
      hours: desk.deps.hours.describe(t.id, now),
      waiting: waiting.length,
      ...(waiting.length ? { oldestWaitMs: now - Math.min(...waiting.map((c) => c.queuedAt)) } : {}),
      ...capacity,
    });
  }
  const agents = accounts
    .filter((a) => !a.disabled)
    .map((a) => {
      const chats = active.filter((c) => c.status === 'agent' && c.agent === a.username).map((c) => c.id);
      const mark = marks.find((m) => m.agent === a.username);
      return { username: a.username, displayName: a.displayName, role: a.role, teams: a.teams, status: mark?.status ?? ('offline' as const), load: chats.length, capacity: a.capacity, chats };
    });
  const served = ended.filter((c) => c.firstResponseAt !== undefined);
  const rated = ended.filter((c) => c.rating);
  const waits = ended.filter((c) => c.assignedAt !== undefined).map((c) => desk.deps.hours.workingMs(c.team, c.queuedAt, c.assignedAt!));
  const today = {
    ended: ended.length,
    served: served.length,
    rated: rated.length,
    ...(rated.length ? { averageScore: Math.round((rated.reduce((s, c) => s + c.rating!.score, 0) / rated.length) * 10) / 10 } : {}),
    bad: rated.filter((c) => c.rating!.score <= 2).length,
    ...(waits.length ? { averageWaitMs: Math.round(waits.reduce((s, w) => s + w, 0) / waits.length) } : {}),
    breachedFirstResponse: [...ended, ...active].filter((c) => slaClocks(desk, c, now).firstResponse.state === 'breached').length,
  };
  let workOrders: SupervisorView['workOrders'] = { connected: false, overdue: [], rectification: [] };
  if (desk.workOrders) {
    try {
      workOrders = { connected: true, ...(await desk.workOrders.attention(now)) };
    } catch (err) {
      desk.deps.logger.warn({ err }, 'work orders to chase not listed');
      workOrders = { connected: true, overdue: [], rectification: [], error: '工单系统暂时无法访问' };
    }
  }
  return {
    now,
    teams,
    agents,
    cases: active.filter(isActive).map((c) => ({ case: desk.summary(c), clocks: slaClocks(desk, c, now) })),
    today,
    workOrders,
  };
}
