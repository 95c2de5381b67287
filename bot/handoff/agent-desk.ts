import type { Json } from '../../flows/types';
import type { Bot } from '../bot';
import type { OutboundMessage } from '../message';
import type { ChannelDelivery, ChannelReach, ConversationAddress, Deduper } from '../ports';
import { canSupervise, type AuditAction, type AuditLog, type StaffProfile } from '../staff/model';
import { profileOf } from '../staff/model';
import { workOrderOnClose } from './agent-close';
import { DeskActionError, type CloseWorkOrder } from './agent-errors';
import { caseDetail, canView, consoleSnapshot, slotText, type CaseDetail, type ConsoleSnapshot } from './agent-views';
import { outboundEntries, type HandoffDesk } from './desk';
import type { HandoffEvent } from './machine';
import { maskText } from './mask';
import { isActive, newEntryId, type HandoffCase } from './model';
import type { PresenceStatus } from './ports';
import { handoffTexts } from './texts';
import type { CaseSummary } from './views';
import type { WorkOrderSummary } from './work-orders';

export { DeskActionError, type CloseWorkOrder };

export interface AgentDeskDeps {
  desk: HandoffDesk;
  audit: AuditLog;
  /** The bot (its `afterHandoff` takes the conversation back when an agent hands back or closes). */
  bot: Bot;
  /** The channel's delivery, to reach the resident outside a turn. */
  delivery(channel: ConversationAddress['channel']): ChannelDelivery | undefined;
  /** De-duplicates console writes (a double click, a retried request) by the page's key. */
  deduper: Deduper;
}


/** Console actions are idempotent by the page's key for this long. */
const ACTION_KEY_TTL_S = 600;
/** How long an agent's presence mark lasts unless the console renews it. */
export const PRESENCE_TTL_MS = 90_000;

const ERRORS: Record<string, [DeskActionError['status'], string]> = {
  'invalid-transition': [409, '这个会话的状态已经变了，请刷新后再试。'],
  'not-owner': [403, '这个会话不在您名下。'],
  'same-owner': [409, '会话已经在这位工作人员名下。'],
  'over-capacity': [409, '已达到同时接待的上限，请先结束一个会话。'],
  'not-found': [404, '找不到这个会话。'],
  conflict: [409, '这个会话正在被修改，请稍后再试。'],
  'already-rated': [409, '已经评价过了。'],
  'not-served': [409, '没有工作人员接待过这个会话。'],
  'not-higher': [409, '优先级已经是这样了。'],
};

/**
 * What agents and supervisors do in the console: take a chat (接入), reply through the
 * resident's channel, write private notes, transfer, put back, hand back to the bot, close with
 * a resolution (and a work order), reveal a masked detail with a reason. Every action is checked
 * against the person's role and the case's owner, goes through the state machine, is told to the
 * resident where it concerns them, and is written to the audit log.
 */
export class AgentDesk {
  constructor(readonly deps: AgentDeskDeps) {}

  get desk(): HandoffDesk {
    return this.deps.desk;
  }

  private now(): number {
    return this.deps.desk.now();
  }

  private async audit(actor: StaffProfile, action: AuditAction, target?: string, detail?: Record<string, string | number | boolean>): Promise<void> {
    const masked = detail ? Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, typeof v === 'string' ? maskText(v).slice(0, 300) : v])) : undefined;
    await this.deps.audit.append({ at: this.now(), actor: actor.username, action, ...(target ? { target } : {}), ...(masked ? { detail: masked } : {}) });
  }

  /** Runs a console write once per key (a double click or a retried request does it once). */
  private async once(actor: StaffProfile, key: string | undefined, fn: () => Promise<void>): Promise<void> {
    if (key !== undefined && !(await this.deps.deduper.claim(`console:${actor.username}:${key}`, ACTION_KEY_TTL_S))) return;
    await fn();
  }

  async case(actor: StaffProfile, id: string): Promise<HandoffCase> {
    const c = await this.desk.get(id);
    if (!c || !canView(actor, c)) throw new DeskActionError(404, 'not_found', '找不到这个会话，或您无权查看。');
    return c;
  }

  private owned(actor: StaffProfile, c: HandoffCase): void {
    if (c.status !== 'agent' || c.agent !== actor.username) throw new DeskActionError(403, 'not_owner', '这个会话不在您名下，请先接入。');
  }

  private refused(result: { ok: false; error: string; message: string }): never {
    const [status, text] = ERRORS[result.error] ?? [409, result.message];
    throw new DeskActionError(status, result.error, text);
  }

  async reach(address: ConversationAddress): Promise<ChannelReach> {
    const delivery = this.deps.delivery(address.channel);
    if (!delivery) return { mode: 'unreachable', why: '这个渠道没有连接，回复无法送达居民。' };
    try {
      return (await delivery.reach?.(address)) ?? { mode: 'live' };
    } catch (err) {
      this.desk.deps.logger.warn({ err }, 'channel reach unknown');
      return { mode: 'live' };
    }
  }

  /** Sends to the resident through their channel and records it; false when nothing could take it. */
  private async send(c: HandoffCase, messages: OutboundMessage[], from: 'agent' | 'system', agent?: string): Promise<boolean> {
    const at = this.now();
    const entries = outboundEntries(messages, at, from === 'agent' ? 'bot' : 'system', 0, c.id).map((e) => (from === 'agent' ? { ...e, from: 'agent' as const, ...(agent ? { agent } : {}) } : e));
    const current = (await this.desk.get(c.id)) ?? c;
    await this.desk.record(c.address.conversationId, entries, isActive(current) ? current : undefined);
    const delivery = this.deps.delivery(c.address.channel);
    if (!delivery) return false;
    try {
      await delivery.deliver(c.address, messages);
      return true;
    } catch (err) {
      this.desk.deps.logger.error({ err, case: c.id }, 'message to the resident not delivered');
      return false;
    }
  }

  async detail(actor: StaffProfile, id: string): Promise<CaseDetail> {
    const c = await this.case(actor, id);
    return caseDetail(this.desk, c, actor, await this.reach(c.address));
  }

  /** 接入: a chosen waiting chat, or the one at the head of the actor's queues ('next'). */
  async take(actor: StaffProfile, id: string | 'next'): Promise<CaseSummary> {
    const target = id === 'next' ? await this.nextFor(actor) : await this.case(actor, id);
    if (!target) throw new DeskActionError(404, 'queue_empty', '现在没有排队的居民。');
    if (target.status !== 'queued') throw new DeskActionError(409, 'not_waiting', '这位居民已经有人接待了。');
    const result = await this.desk.apply(target.id, { kind: 'take', agent: actor.username, at: this.now() }, { capacity: actor.capacity });
    if (!result.ok) this.refused(result);
    await this.audit(actor, 'take', target.id, { team: target.team, waitedMs: this.now() - target.queuedAt });
    await this.send(result.case, [{ kind: 'text', text: handoffTexts.agentJoined(actor.displayName) }], 'system');
    return this.desk.summary(result.case);
  }

  /** The first waiting chat in the actor's teams (urgent first, then first come first served). */
  async nextFor(actor: StaffProfile): Promise<HandoffCase | undefined> {
    return (await this.desk.deps.store.active()).find((c) => c.status === 'queued' && (canSupervise(actor.role) || actor.teams.includes(c.team)));
  }

  async reply(actor: StaffProfile, id: string, text: string, key?: string): Promise<{ delivered: boolean }> {
    const body = text.trim();
    if (!body) throw new DeskActionError(400, 'empty', '回复不能为空。');
    if ([...body].length > 1000) throw new DeskActionError(400, 'too_long', '回复太长了（最多1000字），请分几条发送。');
    let delivered = true;
    await this.once(actor, key, async () => {
      const c = await this.case(actor, id);
      this.owned(actor, c);
      const result = await this.desk.apply(c.id, { kind: 'agent-message', agent: actor.username, at: this.now() });
      if (!result.ok) this.refused(result);
      delivered = await this.send(result.case, [{ kind: 'text', text: body }], 'agent', actor.username);
      await this.audit(actor, 'reply', c.id, { chars: [...body].length, channel: c.address.channel, delivered });
    });
    return { delivered };
  }

  /** A private note on the chat: seen by colleagues, never sent, exported or shown to the resident. */
  async note(actor: StaffProfile, id: string, text: string, key?: string): Promise<void> {
    const body = text.trim();
    if (!body) throw new DeskActionError(400, 'empty', '备注不能为空。');
    if ([...body].length > 1000) throw new DeskActionError(400, 'too_long', '备注最多1000字。');
    await this.once(actor, key, async () => {
      const c = await this.case(actor, id);
      if (!isActive(c) && !canSupervise(actor.role) && c.lastAgent !== actor.username) throw new DeskActionError(403, 'not_owner', '无权为这个会话写备注。');
      const entry = { id: newEntryId(), at: this.now(), seq: 0, from: 'agent' as const, agent: actor.username, kind: 'note', text: body, internal: true, caseId: c.id };
      await this.desk.record(c.address.conversationId, [entry], isActive(c) ? c : undefined);
      await this.audit(actor, 'note', c.id, { chars: [...body].length });
    });
  }

  /** To another agent (who must be able to take it) or back into a team's queue. Owners and supervisors may transfer. */
  async transfer(actor: StaffProfile, id: string, to: { agent: string } | { team: string }, key?: string): Promise<void> {
    await this.once(actor, key, async () => {
      const c = await this.case(actor, id);
      if (!isActive(c)) throw new DeskActionError(409, 'ended', '这个会话已经结束了。');
      if (!canSupervise(actor.role)) this.owned(actor, c);
      let event: HandoffEvent;
      let capacity: number | undefined;
      let told: string;
      if ('agent' in to) {
        const target = await this.desk.deps.staff.get(to.agent);
        if (!target || target.disabled) throw new DeskActionError(404, 'no_agent', '没有这位工作人员。');
        if (!canSupervise(target.role) && !target.teams.includes(c.team)) throw new DeskActionError(409, 'wrong_team', `${target.displayName}不在「${this.desk.teamName(c.team)}」班组，请转到班组。`);
        event = { kind: 'transfer', to: { agent: target.username }, by: actor.username, at: this.now() };
        capacity = target.capacity;
        told = handoffTexts.transferredToAgent(target.displayName);
      } else {
        if (!this.desk.config.teams.some((t) => t.id === to.team)) throw new DeskActionError(404, 'no_team', '没有这个班组。');
        event = { kind: 'transfer', to: { team: to.team }, by: actor.username, at: this.now() };
        told = handoffTexts.transferredToTeam(this.desk.teamName(to.team));
      }
      const result = await this.desk.apply(c.id, event, capacity !== undefined ? { capacity } : undefined);
      if (!result.ok) this.refused(result);
      await this.audit(actor, 'transfer', c.id, 'agent' in to ? { toAgent: to.agent, from: c.agent ?? '' } : { toTeam: to.team, from: c.agent ?? '' });
      await this.send(result.case, [{ kind: 'text', text: told }], 'system');
      if ('agent' in to) await this.desk.deps.events.publish({ type: 'offer', agent: to.agent, caseId: c.id, data: { transferred: true, by: actor.username } });
      if (c.agent) await this.offerNext(c.agent);
    });
  }

  /** Puts a held chat back at its place in the queue. */
  async release(actor: StaffProfile, id: string, key?: string): Promise<void> {
    await this.once(actor, key, async () => {
      const c = await this.case(actor, id);
      this.owned(actor, c);
      const result = await this.desk.apply(c.id, { kind: 'release', by: actor.username, at: this.now() });
      if (!result.ok) this.refused(result);
      await this.audit(actor, 'release', c.id);
      await this.send(result.case, [{ kind: 'text', text: handoffTexts.backInQueue }], 'system');
      await this.offerNext(actor.username, c.id);
    });
  }

  /** Hands the chat back to the bot: it resumes the resident's flow where it was and asks for a rating. */
  async handBack(actor: StaffProfile, id: string, key?: string): Promise<void> {
    await this.once(actor, key, async () => {
      const c = await this.case(actor, id);
      this.owned(actor, c);
      const result = await this.desk.apply(c.id, { kind: 'hand-back', by: actor.username, at: this.now() });
      if (!result.ok) this.refused(result);
      await this.audit(actor, 'hand-back', c.id);
      await this.ended(result.case);
      await this.offerNext(actor.username);
    });
  }

  /**
   * Closes the chat with a resolution; with a work order opened from it (the transcript without
   * notes and the collected fields go with it) or the resident's existing one updated or closed.
   * The resident is told (with the work order's number) and asked to rate the service.
   */
  async close(actor: StaffProfile, id: string, input: { resolution: string; workOrder: CloseWorkOrder }, key?: string): Promise<{ workOrder?: WorkOrderSummary }> {
    const resolution = input.resolution.trim();
    if ([...resolution].length < 2) throw new DeskActionError(400, 'no_resolution', '请写明处理结果。');
    if ([...resolution].length > 1000) throw new DeskActionError(400, 'too_long', '处理结果最多1000字。');
    let order: WorkOrderSummary | undefined;
    await this.once(actor, key, async () => {
      const c = await this.case(actor, id);
      this.owned(actor, c);
      order = await workOrderOnClose(this.desk, actor, c, resolution, input.workOrder);
      const result = await this.desk.apply(c.id, { kind: 'close', by: actor.username, resolution: { summary: resolution, ...(order ? { workOrder: order.reference } : {}) }, at: this.now() });
      if (!result.ok) this.refused(result);
      await this.audit(actor, 'close', c.id, { workOrder: order?.reference ?? '', mode: input.workOrder.mode });
      await this.ended(result.case);
      await this.offerNext(actor.username);
    });
    return order ? { workOrder: order } : {};
  }

  /** Tells the resident something about their human session (queue notices), through their channel. */
  async tell(c: HandoffCase, text: string): Promise<boolean> {
    return this.send(c, [{ kind: 'text', text }], 'system');
  }

  /** After a case ended outside the console (a clock): the bot takes the conversation back and says so. */
  async takeBackAndTell(c: HandoffCase): Promise<void> {
    await this.ended(c);
  }

  /** The bot takes the conversation back (resume, rating) and the resident hears it through their channel. */
  private async ended(c: HandoffCase): Promise<void> {
    const replies = (await this.deps.bot.afterHandoff?.(c.address, c.id)) ?? [];
    if (replies.length === 0) return;
    const delivery = this.deps.delivery(c.address.channel);
    if (!delivery) return;
    await delivery.deliver(c.address, replies).catch((err: unknown) => this.desk.deps.logger.error({ err, case: c.id }, 'hand-back messages not delivered'));
  }

  /** Shows a masked detail (a transcript line or a collected slot) in full; the reason is audited. */
  async reveal(actor: StaffProfile, id: string, target: { entry: string } | { slot: string }, reason: string): Promise<{ text: string }> {
    const why = reason.trim();
    if ([...why].length < 4) throw new DeskActionError(400, 'no_reason', '请写明查看原因（至少4个字），会记入审计日志。');
    const c = await this.case(actor, id);
    let text: string | undefined;
    if ('entry' in target) {
      text = (await this.desk.deps.transcripts.read(c.address.conversationId, 300)).find((e) => e.id === target.entry)?.text;
    } else {
      const value = c.collected.slots[target.slot];
      text = value === undefined ? undefined : slotText(value);
    }
    if (text === undefined) throw new DeskActionError(404, 'not_found', '找不到要查看的内容。');
    await this.audit(actor, 'reveal', c.id, { ...('entry' in target ? { entry: target.entry } : { slot: target.slot }), reason: why });
    return { text };
  }

  /** Online (takes chats), away (keeps them, gets no offers) or offline; `audit` for the person's own choice. */
  async setPresence(actor: StaffProfile, status: PresenceStatus | 'offline', options: { audit?: boolean } = {}): Promise<void> {
    const presence = this.desk.deps.presence;
    if (status === 'offline') await presence.remove(actor.username);
    else await presence.set({ agent: actor.username, status, until: this.now() + PRESENCE_TTL_MS });
    await this.desk.deps.events.publish({ type: 'agents', data: { agent: actor.username, status } });
    if (options.audit) await this.audit(actor, 'presence', undefined, { status });
    if (status === 'online') await this.offerNext(actor.username);
  }

  /**
   * Keeps an open console's mark fresh (called while its stream is open); `comeOnline`: a console
   * that opens marks its agent online when there is no mark (no event unless that changed).
   */
  async renewPresence(actor: StaffProfile, options: { comeOnline?: boolean } = {}): Promise<void> {
    const marks = await this.desk.deps.presence.list(this.now());
    const mine = marks.find((m) => m.agent === actor.username);
    if (!mine) {
      if (options.comeOnline) await this.setPresence(actor, 'online');
      return;
    }
    await this.desk.deps.presence.set({ ...mine, until: this.now() + PRESENCE_TTL_MS });
  }

  /**
   * An agent has room again (a chat ended or moved on): the oldest waiting chat of their teams is
   * offered to them, so a waiting resident is picked up rather than a newer one.
   */
  async offerNext(agent: string, except?: string): Promise<void> {
    const account = await this.desk.deps.staff.get(agent);
    if (!account || account.disabled) return;
    const online = (await this.desk.deps.presence.list(this.now())).some((m) => m.agent === agent && m.status === 'online');
    if (!online || (await this.desk.deps.store.load(agent)) >= account.capacity) return;
    const next = (await this.desk.deps.store.active()).find((c) => c.status === 'queued' && c.id !== except && (canSupervise(account.role) || account.teams.includes(c.team)));
    if (next) await this.desk.deps.events.publish({ type: 'offer', agent, caseId: next.id, data: { case: this.desk.summary(next) as unknown as Json } });
  }

  profile(account: Parameters<typeof profileOf>[0]): StaffProfile {
    return profileOf(account);
  }

  /** Everything a console needs on (re)connect: who I am, the queue I serve, my chats, colleagues to transfer to. */
  snapshot(actor: StaffProfile): Promise<ConsoleSnapshot> {
    return consoleSnapshot(this.desk, actor);
  }
}
