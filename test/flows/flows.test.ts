import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEFAULT_FLOWS_DIR } from '../../flows/loader';
import { createHarness, readConversationTests, runCase, type ConversationHarness } from './conversation-runner';

/** Every `*.test.yaml` next to the shipped flows runs here (and alone via `npm run flows:test`). */
const files = readdirSync(DEFAULT_FLOWS_DIR).filter((n) => n.endsWith('.test.yaml')).sort();

for (const name of files) {
  const file = readConversationTests(join(DEFAULT_FLOWS_DIR, name));
  describe(`${name} (flow ${file.flow})`, () => {
    let harness: ConversationHarness;
    beforeAll(async () => {
      harness = await createHarness(file);
    });
    afterAll(async () => harness?.composed.close());
    for (const c of file.cases) it(c.name, () => runCase(harness, c.name, c.turns));
  });
}
