import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

/** One menu entry: a CLICK key (starts a flow) or a VIEW url (opens a page). */
const MenuLeafSchema = z
  .object({
    name: z.string().min(1).max(20),
    key: z.string().regex(/^[A-Z0-9_]{1,128}$/, 'upper-case letters, digits and _').optional(),
    url: z.url().optional(),
  })
  .refine((b) => Boolean(b.key) !== Boolean(b.url), { message: 'needs exactly one of key or url' });

const MenuButtonSchema = z.union([
  z.object({ name: z.string().min(1).max(16), subButtons: z.array(MenuLeafSchema).min(1).max(5) }),
  MenuLeafSchema,
]);

/** The official account's bottom menu (WeChat allows 3 buttons with up to 5 sub-buttons each). */
export const MenuSchema = z.object({ buttons: z.array(MenuButtonSchema).min(1).max(3) });
export type Menu = z.infer<typeof MenuSchema>;
export type MenuLeaf = z.infer<typeof MenuLeafSchema>;

export const DEFAULT_MENU_FILE = fileURLToPath(new URL('./menu.yaml', import.meta.url));

/** Reads and validates the menu file; errors name the file and the field. */
export async function loadMenu(file: string = DEFAULT_MENU_FILE): Promise<Menu> {
  const result = MenuSchema.safeParse(parse(await readFile(file, 'utf8')));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid menu'}`);
  }
  return result.data;
}

