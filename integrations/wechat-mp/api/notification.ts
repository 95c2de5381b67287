import { z } from 'zod';

const url = z.string().optional();
/** The chat text, when the sender wrote its own (else one is made from the fields). */
const text = z.string().optional();
/** Past this instant (epoch ms) the notification is no longer worth sending or holding (a reminder after the appointment). */
const expiresAt = z.number().optional();

/** Notifications the assistant sends on its own initiative; each may map to a subscription or template message. */
export const NotificationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('booking-reminder'), service: z.string(), time: z.string(), place: z.string(), url, text, expiresAt }),
  z.object({ kind: z.literal('progress-change'), caseName: z.string(), caseNo: z.string(), status: z.string(), url, text, expiresAt }),
  z.object({ kind: z.literal('work-order-reply'), ticketNo: z.string(), reply: z.string(), url }),
  z.object({ kind: z.literal('rating-invitation'), ticketNo: z.string(), subject: z.string(), url }),
]);
export type Notification = z.infer<typeof NotificationSchema>;
export type NotificationKind = Notification['kind'];

/** The fields of each notification kind a template can show. */
export const NOTIFICATION_FIELDS: Record<NotificationKind, readonly string[]> = {
  'booking-reminder': ['service', 'time', 'place'],
  'progress-change': ['caseName', 'caseNo', 'status'],
  'work-order-reply': ['ticketNo', 'reply'],
  'rating-invitation': ['ticketNo', 'subject'],
};

/**
 * How one notification kind fills a template chosen in the admin console: `fields` maps our
 * field name to the template's keyword (e.g. `{ "service": "thing1", "time": "time2" }`).
 */
export const TemplateMappingSchema = z.object({
  templateId: z.string().min(1),
  fields: z.record(z.string(), z.string().regex(/^[a-z_]+\d*$/, 'a template keyword such as thing1')),
});
export type TemplateMapping = z.infer<typeof TemplateMappingSchema>;

export const TemplateMappingsSchema = z
  .object({
    'booking-reminder': TemplateMappingSchema.optional(),
    'progress-change': TemplateMappingSchema.optional(),
    'work-order-reply': TemplateMappingSchema.optional(),
    'rating-invitation': TemplateMappingSchema.optional(),
  })
  .strict()
  .superRefine((mappings, ctx) => {
    for (const [kind, mapping] of Object.entries(mappings) as [NotificationKind, TemplateMapping | undefined][]) {
      for (const field of Object.keys(mapping?.fields ?? {})) {
        if (!NOTIFICATION_FIELDS[kind].includes(field)) {
          ctx.addIssue({ code: 'custom', path: [kind, 'fields', field], message: `unknown field; ${kind} has ${NOTIFICATION_FIELDS[kind].join(', ')}` });
        }
      }
    }
  });
export type TemplateMappings = z.infer<typeof TemplateMappingsSchema>;

/** A subscription notification (订阅通知) per kind: its template, fields as for templates, and the page it opens. */
const SubscriptionMappingSchema = TemplateMappingSchema.extend({ page: z.string().optional() });
export const SubscriptionMappingsSchema = z
  .object({ 'booking-reminder': SubscriptionMappingSchema.optional(), 'progress-change': SubscriptionMappingSchema.optional() })
  .strict()
  .superRefine((mappings, ctx) => {
    for (const [kind, mapping] of Object.entries(mappings) as [NotificationKind, TemplateMapping | undefined][]) {
      for (const field of Object.keys(mapping?.fields ?? {})) {
        if (!NOTIFICATION_FIELDS[kind].includes(field)) ctx.addIssue({ code: 'custom', path: [kind, 'fields', field], message: `unknown field; ${kind} has ${NOTIFICATION_FIELDS[kind].join(', ')}` });
      }
    }
  });
export type SubscriptionMappings = z.infer<typeof SubscriptionMappingsSchema>;

/** The subscription notification body for `n`, or undefined when its kind has none configured. */
export function notificationSubscription(n: Notification, mappings: SubscriptionMappings): { template_id: string; page?: string; data: Record<string, { value: string }> } | undefined {
  const mapping = n.kind === 'booking-reminder' || n.kind === 'progress-change' ? mappings[n.kind] : undefined;
  if (!mapping) return undefined;
  const fields = n as unknown as Record<string, string | undefined>;
  const data = Object.fromEntries(Object.entries(mapping.fields).map(([field, keyword]) => [keyword, { value: templateValue(fields[field] ?? '') }]));
  return { template_id: mapping.templateId, ...(mapping.page ? { page: mapping.page } : {}), data };
}

/** The notification as a warm customer-service text (used while the 48 h window is open). */
export function notificationText(n: Notification): string {
  if ('text' in n && n.text) return n.url ? `${n.text}\n${n.url}` : n.text;
  const body = ((): string => {
    switch (n.kind) {
      case 'booking-reminder':
        return `温馨提醒：您预约的「${n.service}」将于${n.time}办理，地点：${n.place}。请带齐材料按时前往哦。`;
      case 'progress-change':
        return `您办理的「${n.caseName}」（受理号 ${n.caseNo}）有新进度：${n.status}。`;
      case 'work-order-reply':
        return `您反映的问题（工单 ${n.ticketNo}）有回复了：\n${n.reply}`;
      case 'rating-invitation':
        return `您的诉求「${n.subject}」（工单 ${n.ticketNo}）已办结。欢迎为这次服务打个分，您的评价能帮我们做得更好。`;
    }
  })();
  return n.url ? `${body}\n${n.url}` : body;
}

/** Since 2023 template lines are cut at about 20 characters; cut ourselves so the cut is visible. */
function templateValue(value: string): string {
  const chars = Array.from(value);
  return chars.length <= 20 ? value : `${chars.slice(0, 19).join('')}…`;
}

/** The template message body for `n`, or undefined when its kind has no template configured. */
export function notificationTemplate(
  n: Notification,
  mappings: TemplateMappings,
): { template_id: string; url?: string; data: Record<string, { value: string }> } | undefined {
  const mapping = mappings[n.kind];
  if (!mapping) return undefined;
  const fields = n as unknown as Record<string, string | undefined>;
  const data = Object.fromEntries(
    Object.entries(mapping.fields).map(([field, keyword]) => [keyword, { value: templateValue(fields[field] ?? '') }]),
  );
  return { template_id: mapping.templateId, ...(n.url ? { url: n.url } : {}), data };
}
