import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseTemplate, TemplateError } from './template';

/**
 * The human-agent desk as data (flows/desk.yaml): teams and their hours (several periods a day;
 * holidays come from the calendar), where each kind of handoff goes, agents' capacity, the
 * timeouts, SLA targets (in working time), the promised callback for messages left after hours,
 * and the console's quick replies. Hours are checked against the calendar's schema when the
 * service composes the desk (integrations/govservice/agent-hours.ts).
 */

const id = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case letters, digits and "-", starting with a letter');
const minutes = (max: number) => z.number().int().min(1).max(max);

const TeamSchema = z.strictObject({
  id,
  name: z.string().min(1).max(20),
  /** Opening hours as the calendar reads them: `[{ week: { mon: ["09:00-12:00", …], … } }]`, seasons allowed. */
  hours: z.array(z.record(z.string(), z.unknown())).min(1),
  /** The team's own closures or extra openings (`{ from, to?, hours: [], reason }`). */
  specialDays: z.array(z.record(z.string(), z.unknown())).default([]),
});

const RouteSchema = z.strictObject({ team: id.optional(), priority: z.enum(['urgent', 'high', 'normal']).optional() });

const QuickReplySchema = z
  .strictObject({ title: z.string().min(1).max(12), text: z.string().min(1).max(500) })
  .superRefine((q, ctx) => {
    try {
      parseTemplate(q.text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: error instanceof TemplateError ? error.message : String(error) });
    }
  });

export const DeskConfigSchema = z
  .strictObject({
    teams: z.array(TeamSchema).min(1),
    /** Where a handoff goes unless a route says otherwise. */
    defaultTeam: id,
    /** By trigger (asked, frustrated, menu, stuck, flow, urgent, bad-rating): the team and priority. */
    routes: z.record(z.string(), RouteSchema).default({}),
    /** Chats an agent holds at once, unless their account says otherwise. */
    capacity: z.number().int().min(1).max(20).default(3),
    timeouts: z
      .strictObject({
        /** A waiting resident hears again (position, "still queued") after this long without news. */
        agentSilentMinutes: minutes(120).default(3),
        /** A resident silent this long ends the human session. */
        residentSilentMinutes: minutes(24 * 60).default(30),
        /** Waiting residents are told at most this many times between two of their own messages (each may cost a WeChat message). */
        maxNoticesWhileSilent: z.number().int().min(0).max(10).default(2),
      })
      .default({ agentSilentMinutes: 3, residentSilentMinutes: 30, maxNoticesWhileSilent: 2 }),
    /** Targets in working time (the team's hours), both from when the resident started waiting; past `warnAt` of a target the clock turns amber. */
    sla: z
      .strictObject({ firstResponseMinutes: minutes(24 * 60).default(5), resolutionMinutes: minutes(7 * 24 * 60).default(30), warnAt: z.number().min(0.1).max(1).default(0.8) })
      .default({ firstResponseMinutes: 5, resolutionMinutes: 30, warnAt: 0.8 }),
    /** Messages left after hours are called back within this much working time. */
    callback: z.strictObject({ withinWorkingHours: z.number().min(0.5).max(80).default(4) }).default({ withinWorkingHours: 4 }),
    /** The expected wait until handled chats give a measurement. */
    averageHandleMinutes: minutes(240).default(6),
    quickReplies: z.array(QuickReplySchema).max(60).default([]),
  })
  .superRefine((c, ctx) => {
    const teams = new Set(c.teams.map((t) => t.id));
    if (teams.size !== c.teams.length) ctx.addIssue({ code: 'custom', path: ['teams'], message: 'team ids must be unique' });
    if (!teams.has(c.defaultTeam)) ctx.addIssue({ code: 'custom', path: ['defaultTeam'], message: `unknown team "${c.defaultTeam}"` });
    for (const [trigger, route] of Object.entries(c.routes)) {
      if (route.team && !teams.has(route.team)) ctx.addIssue({ code: 'custom', path: ['routes', trigger, 'team'], message: `unknown team "${route.team}"` });
    }
  });
export type DeskConfig = z.infer<typeof DeskConfigSchema>;
export type DeskTeam = DeskConfig['teams'][number];

export const DEFAULT_DESK_FILE = fileURLToPath(new URL('./desk.yaml', import.meta.url));

/** Reads and validates the desk file; errors name the file and the field. */
export async function loadDeskConfig(file: string = DEFAULT_DESK_FILE): Promise<DeskConfig> {
  const result = DeskConfigSchema.safeParse(parse(await readFile(file, 'utf8')));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid desk configuration'}`);
  }
  return result.data;
}
