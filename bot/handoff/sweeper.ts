import type { Logger } from '../logger';
import type { Deduper } from '../ports';
import type { AgentDesk } from './agent-desk';
import type { HandoffCase } from './model';
import { handoffTexts } from './texts';

/** How often the desk's clocks are checked (one instance per period does it). */
export const SWEEP_EVERY_MS = 10_000;
/** A waiting chat is offered again to free agents after this long, at most this often per agent. */
const REOFFER_MS = 60_000;

export interface SweepReport {
  expired: number;
  told: number;
  offered: number;
  /** False when another instance swept this period. */
  ran: boolean;
}

/**
 * The desk's clocks, on a timer: a resident silent with an agent for `residentSilentMinutes`
 * ends the human session (the bot takes the conversation back and says so); waiting residents
 * hear their place again when nobody has told them anything for `agentSilentMinutes` (at most
 * `maxNoticesWhileSilent` times between two of their messages — each may be a WeChat message)
 * or when it moved up; a resident whose agent has not answered for that long hears that the
 * agent is on it; a team's hours ending while residents wait tells them and ends the wait; and
 * free online agents are offered the oldest waiting chat again. One instance sweeps each period
 * (a `Deduper` claim on the period), so nothing is told twice.
 */
export class DeskSweeper {
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<SweepReport> | undefined;
  readonly #offered = new Map<string, number>();

  constructor(private readonly deps: { agentDesk: AgentDesk; deduper: Deduper; logger: Logger; everyMs?: number }) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), this.deps.everyMs ?? SWEEP_EVERY_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (this.#running) return;
    this.#running = this.sweep().catch((err: unknown) => {
      this.deps.logger.warn({ err }, 'desk sweep failed');
      return { expired: 0, told: 0, offered: 0, ran: false };
    });
    await this.#running;
    this.#running = undefined;
  }

  /** One pass at the desk's clock `now` (tests call it directly with a manual clock). */
  async sweep(options: { claim?: boolean } = {}): Promise<SweepReport> {
    const agentDesk = this.deps.agentDesk;
    const desk = agentDesk.desk;
    const now = desk.now();
    const every = this.deps.everyMs ?? SWEEP_EVERY_MS;
    if (options.claim !== false && !(await this.deps.deduper.claim(`desk:sweep:${Math.floor(now / every)}`, Math.max(1, Math.ceil(every / 1000) * 2)))) {
      return { expired: 0, told: 0, offered: 0, ran: false };
    }
    const report: SweepReport = { expired: 0, told: 0, offered: 0, ran: true };
    const { timeouts } = desk.config;
    const silentMs = timeouts.agentSilentMinutes * 60_000;
    for (const c of await desk.deps.store.active()) {
      if (c.status === 'agent') {
        const lastContact = Math.max(c.lastResidentAt, c.lastAgentAt ?? 0, c.assignedAt ?? 0);
        if (now - lastContact >= timeouts.residentSilentMinutes * 60_000 && (c.lastAgentAt ?? 0) >= c.lastResidentAt) {
          if (await this.expire(c, 'resident-silent')) report.expired += 1;
          continue;
        }
        const unanswered = c.lastResidentAt > (c.lastAgentAt ?? c.assignedAt ?? 0);
        if (unanswered && now - c.lastResidentAt >= silentMs && c.notices.silentAt === undefined) {
          const r = await desk.apply(c.id, { kind: 'notice', at: now, silent: true });
          if (r.ok && (await this.tell(c, handoffTexts.agentBusy))) report.told += 1;
        }
        continue;
      }
      if (!desk.isOpen(c.team, now)) {
        if (await this.expire(c, 'desk-closed')) report.expired += 1;
        continue;
      }
      if (c.notices.sinceResident >= timeouts.maxNoticesWhileSilent) continue;
      const lastTold = Math.max(c.queuedAt, c.lastResidentAt, c.notices.at ?? 0);
      const place = await desk.place(c, now);
      const movedUp = c.notices.position !== undefined && place.ahead < c.notices.position && now - lastTold >= REOFFER_MS;
      if (now - lastTold >= silentMs || movedUp) {
        const r = await desk.apply(c.id, { kind: 'notice', at: now, position: place.ahead });
        const text = movedUp && now - lastTold < silentMs ? handoffTexts.positionUpdate(place) : handoffTexts.stillQueued(place);
        if (r.ok && (await this.tell(c, text))) report.told += 1;
      }
    }
    report.offered = await this.reoffer(now);
    return report;
  }

  private async expire(c: HandoffCase, why: 'resident-silent' | 'desk-closed'): Promise<boolean> {
    const agentDesk = this.deps.agentDesk;
    const r = await agentDesk.desk.apply(c.id, { kind: 'expire', why, at: agentDesk.desk.now() });
    if (!r.ok) return false;
    this.deps.logger.info({ case: c.id, why }, 'human session ended by the clock');
    await agentDesk.takeBackAndTell(r.case);
    if (c.agent) await agentDesk.offerNext(c.agent);
    return true;
  }

  private async tell(c: HandoffCase, text: string): Promise<boolean> {
    return this.deps.agentDesk.tell(c, text);
  }

  /** Free online agents get the oldest waiting chat of their teams again, at most once a minute each. */
  private async reoffer(now: number): Promise<number> {
    const desk = this.deps.agentDesk.desk;
    const waiting = (await desk.deps.store.active()).filter((c) => c.status === 'queued' && now - c.queuedAt >= REOFFER_MS);
    if (waiting.length === 0) return 0;
    let offered = 0;
    for (const mark of await desk.deps.presence.list(now)) {
      if (mark.status !== 'online' || now - (this.#offered.get(mark.agent) ?? 0) < REOFFER_MS) continue;
      this.#offered.set(mark.agent, now);
      await this.deps.agentDesk.offerNext(mark.agent);
      offered += 1;
    }
    return offered;
  }
}
