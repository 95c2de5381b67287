import { z } from 'zod';
import type { Menu, MenuLeaf } from '../../../flows/menu';

/** One customer-service message as `message/custom/send` takes it, minus `touser`. */
export const CustomMessageSchema = z.discriminatedUnion('msgtype', [
  z.object({ msgtype: z.literal('text'), text: z.object({ content: z.string().min(1) }) }),
  z.object({ msgtype: z.literal('image'), image: z.object({ media_id: z.string().min(1) }) }),
  z.object({
    msgtype: z.literal('news'),
    news: z.object({
      articles: z
        .array(z.object({ title: z.string(), description: z.string().optional(), url: z.string(), picurl: z.string().optional() }))
        .length(1),
    }),
  }),
]);
export type CustomMessage = z.infer<typeof CustomMessageSchema>;

/** A template message (`message/template/send`); values are plain strings (colours are ignored since 2023). */
export const TemplateMessageSchema = z.object({
  template_id: z.string().min(1),
  url: z.string().optional(),
  data: z.record(z.string(), z.object({ value: z.string() })),
});
export type TemplateMessage = z.infer<typeof TemplateMessageSchema>;

/** A subscription notification (`message/subscribe/bizsend`). */
export const SubscribeMessageSchema = z.object({
  template_id: z.string().min(1),
  page: z.string().optional(),
  data: z.record(z.string(), z.object({ value: z.string() })),
});
export type SubscribeMessage = z.infer<typeof SubscribeMessageSchema>;

export const SendResultSchema = z.object({ errcode: z.number().int().optional(), errmsg: z.string().optional() });
export const TemplateSendResultSchema = SendResultSchema.extend({ msgid: z.union([z.number(), z.string()]).transform(String) });

type WechatMenuLeaf = { type: 'click'; name: string; key: string } | { type: 'view'; name: string; url: string };
export type WechatMenuButton = WechatMenuLeaf | { name: string; sub_button: WechatMenuLeaf[] };
export interface WechatMenuBody {
  button: WechatMenuButton[];
}

function leafBody(leaf: MenuLeaf): WechatMenuLeaf {
  if (leaf.key) return { type: 'click', name: leaf.name, key: leaf.key };
  if (leaf.url) return { type: 'view', name: leaf.name, url: leaf.url };
  // MenuSchema guarantees exactly one of key/url; this keeps the type honest.
  throw new Error(`menu entry "${leaf.name}" has neither key nor url`);
}

/** Our menu (flows/menu.yaml) as the body of `menu/create`: subButtons→sub_button, key→click, url→view. */
export function menuBody(menu: Menu): WechatMenuBody {
  return {
    button: menu.buttons.map((b) => ('subButtons' in b ? { name: b.name, sub_button: b.subButtons.map(leafBody) } : leafBody(b))),
  };
}
