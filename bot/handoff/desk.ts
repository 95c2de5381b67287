import { createHash } from 'node:crypto';
import type { DeskConfig } from '../../flows/desk';
import type { FlowFrame, Json } from '../../flows/types';
import type { Logger } from '../logger';
import type { OutboundMessage } from '../message';
import { outboundAsText } from '../message';
import type { Clock, ConversationAddress } from '../ports';
import type { Pseudonymiser } from '../pseudonym';
import type { StaffDirectory } from '../staff/model';
import type { HandoffEvent } from './machine';
import { caseIdFor, newCase, newEntryId, queueScore, type Collected, type HandoffCase, type Priority, type TranscriptEntry, type Trigger } from './model';
import type { OfficeHours } from './office-hours';
import type { AgentPresence, DeskEventLog, HandoffStore, StoreResult, TranscriptStore } from './ports';
import { caseSummary, entryView, type CaseSummary } from './views';
import type { WorkOrderDesk } from './work-orders';

export interface HandoffDeskDeps {
  store: HandoffStore;
  transcripts: TranscriptStore;
  events: DeskEventLog;
  presence: AgentPresence;
  staff: StaffDirectory;
  hours: OfficeHours;
  config: DeskConfig;
  /** The 12345 work orders (issue 12's ticketing port), when bound. */
  workOrders?: WorkOrderDesk;
  clock: Clock;
  logger: Logger;
  pseudonym: Pseudonymiser;
}

/** A place in the queue as residents are told it. */
export interface QueuePlace {
  ahead: number;
  waitMinutes: number;
  /** Chats the team's online agents can still take (0: nobody is free right now). */
  free: number;
}

/** How long measured handling times are reused before they are measured again. */
const STATS_TTL_MS = 60_000;

/**
 * The desk as the runtime and the console share it: routing (which team, which priority),
 * office hours, the queue with positions and expected waits, and the record of every change
 * (the live event stream). The state lives in the ports; this holds no state of its own but a
 * short cache of measured handling times.
 */
export class HandoffDesk {
  #stats: { at: number; handleMs: number } | undefined;

  constructor(readonly deps: HandoffDeskDeps) {}

  get config(): DeskConfig {
    return this.deps.config;
  }

  get workOrders(): WorkOrderDesk | undefined {
    return this.deps.workOrders;
  }

  now(): number {
    return this.deps.clock.now();
  }

  /** Where a handoff of this kind goes (flows/desk.yaml `routes`). */
  route(trigger: Trigger): { team: string; priority: Priority } {
    const r = this.deps.config.routes[trigger];
    return { team: r?.team ?? this.deps.config.defaultTeam, priority: r?.priority ?? 'normal' };
  }

  teamName(team: string): string {
    return this.deps.config.teams.find((t) => t.id === team)?.name ?? team;
  }

  isOpen(team: string, at: number): boolean {
    return this.deps.hours.isOpen(team, at);
  }

  /** A new case for a conversation handed over; its id follows from `key` (the message), so a retry opens the same one. */
  newCase(input: { key: string; address: ConversationAddress; trigger: Trigger; reason: string; collected: Collected; at: number; priority?: Priority }): HandoffCase {
    const route = this.route(input.trigger);
    return newCase({
      id: caseIdFor(input.key, (s) => createHash('sha256').update(s).digest()),
      address: input.address,
      team: route.team,
      priority: input.priority ?? route.priority,
      trigger: input.trigger,
      reason: input.reason,
      collected: input.collected,
      at: input.at,
    });
  }

  /** Puts the case in the queue (or finds the conversation's active one) and tells the consoles. */
  async enqueue(c: HandoffCase): Promise<HandoffCase> {
    const opened = await this.deps.store.open(c);
    if (opened.created) {
      this.deps.logger.info({ case: c.id, team: c.team, priority: c.priority, trigger: c.trigger }, 'handoff queued');
      await this.publishCase(opened.case);
    }
    return opened.case;
  }

  get(id: string): Promise<HandoffCase | undefined> {
    return this.deps.store.get(id);
  }

  /** Applies an event and, when it changed the case, tells the consoles. */
  async apply(id: string, event: HandoffEvent, options?: { capacity?: number }): Promise<StoreResult> {
    const result = await this.deps.store.apply(id, event, options);
    if (result.ok && event.kind !== 'notice') await this.publishCase(result.case);
    return result;
  }

  /** Where a case (or a new one of `team` and `priority`) stands: residents ahead, and the expected wait. */
  async place(target: HandoffCase | { team: string; priority: Priority; queuedAt: number; id?: string }, at: number): Promise<QueuePlace> {
    const active = await this.deps.store.active();
    const score = queueScore(target);
    const ahead = active.filter((c) => c.status === 'queued' && c.team === target.team && c.id !== target.id && queueScore(c) < score).length;
    const { free, online } = await this.capacityOf(target.team, at);
    const handleMin = (await this.handleMs(at)) / 60_000;
    const waitMinutes = ahead < free ? 1 : Math.ceil((ahead - free + 1) / Math.max(1, online)) * handleMin;
    return { ahead, waitMinutes, free };
  }

  /** Online agents of a team and the chats they can still take. */
  async capacityOf(team: string, at: number): Promise<{ online: number; free: number }> {
    const marks = (await this.deps.presence.list(at)).filter((m) => m.status === 'online');
    let online = 0;
    let free = 0;
    for (const mark of marks) {
      const account = await this.deps.staff.get(mark.agent);
      if (!account || account.disabled || !account.teams.includes(team)) continue;
      online += 1;
      free += Math.max(0, account.capacity - (await this.deps.store.load(mark.agent)));
    }
    return { online, free };
  }

  /** The mean time agents held chats that ended in the last day (the configured figure until there are some). */
  async handleMs(at: number): Promise<number> {
    if (this.#stats && at - this.#stats.at < STATS_TTL_MS) return this.#stats.handleMs;
    const ended = (await this.deps.store.ended(at - 86_400_000, 100)).filter((c) => c.assignedAt !== undefined && c.endedAt !== undefined);
    const fallback = this.deps.config.averageHandleMinutes * 60_000;
    const handleMs = ended.length >= 3 ? ended.reduce((sum, c) => sum + (c.endedAt! - c.assignedAt!), 0) / ended.length : fallback;
    this.#stats = { at, handleMs: Math.min(Math.max(handleMs, 60_000), 4 * 3_600_000) };
    return this.#stats.handleMs;
  }

  summary(c: HandoffCase): CaseSummary {
    return caseSummary(c, this.deps.config, this.deps.pseudonym);
  }

  async publishCase(c: HandoffCase): Promise<void> {
    await this.deps.events.publish({ type: 'case', caseId: c.id, data: { case: this.summary(c) as unknown as Json } }).catch((err: unknown) => this.deps.logger.warn({ err, case: c.id }, 'desk event not published'));
  }

  /** Adds lines to the conversation's transcript; for a chat with people, the consoles see them live. */
  async record(conversationId: string, entries: TranscriptEntry[], c?: HandoffCase): Promise<void> {
    if (entries.length === 0) return;
    await this.deps.transcripts.append(conversationId, entries);
    if (!c) return;
    for (const entry of entries) {
      const data = { entry: entryView(entry), status: c.status, team: c.team, ...(c.agent ? { agent: c.agent } : {}) };
      await this.deps.events.publish({ type: 'message', caseId: c.id, data: data as unknown as Json }).catch((err: unknown) => this.deps.logger.warn({ err, case: c.id }, 'desk event not published'));
    }
  }

  /** The conversation as a work order carries it: the newest `limit` entries, agents' private notes left out. */
  async transcriptFor(conversationId: string, limit = 60): Promise<{ at: number; from: TranscriptEntry['from']; text: string }[]> {
    return (await this.deps.transcripts.read(conversationId, limit)).filter((e) => !e.internal).map(({ at, from, text }) => ({ at, from, text }));
  }

  erase(conversationId: string): Promise<void> {
    return this.deps.transcripts.erase(conversationId);
  }
}

/** The transcript lines of what the bot (or the desk) sent, in order after `seq`. */
export function outboundEntries(messages: OutboundMessage[], at: number, from: 'bot' | 'system', firstSeq: number, caseId?: string): TranscriptEntry[] {
  return messages.map((m, i) => ({ id: newEntryId(), at, seq: firstSeq + i, from, kind: m.kind, text: outboundAsText(m).slice(0, 4000), ...(caseId ? { caseId } : {}) }));
}

/** What the bot had collected: the innermost flow in progress and the slots of every frame (the top one winning). */
export function collectedFrom(frames: FlowFrame[], title: (frame: FlowFrame) => string | undefined): Collected {
  const top = frames.at(-1);
  const slots: Record<string, Json> = {};
  for (const frame of frames) for (const [k, v] of Object.entries(frame.slots)) if (!k.startsWith('_')) slots[k] = v;
  return { ...(top ? { flow: top.flowId, step: top.stepId, ...(title(top) ? { title: title(top) } : {}) } : {}), slots };
}
