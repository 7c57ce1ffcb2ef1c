import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The rooms are enforced by lint, not by hope: a planted import across a room's wall, or chrome.* in code that
 * runs in Node, fails `npm run lint` with the rule's message.
 */
const eslint = new ESLint({
  cwd: new URL('../../..', import.meta.url).pathname,
  // The planted files do not exist, so the type-aware parts of the project's config (which need the file in the
  // TypeScript project) are switched off; the room rules are the project's own.
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } }, rules: { '@typescript-eslint/no-floating-promises': 'off' } },
});

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('room rules', () => {
  it.each([
    ['src/engine/planted.ts', "import { t } from '../ui/shared/i18n';\nexport const x = t;\n"],
    ['src/store/planted.ts', "import { HostDocument } from '../background/host-document';\nexport const x = HostDocument;\n"],
    ['src/tasks/summarize/planted.ts', "import { EngineHost } from '../../offscreen/engine-host';\nexport const x = EngineHost;\n"],
    ['src/content/planted.ts', "import { Engine } from '../engine/engine';\nexport const x = Engine;\n"],
    ['src/content/planted.ts', "import { WeightDb } from '../store/weight-db';\nexport const x = WeightDb;\n"],
    ['src/ui/planted.ts', "import { Engine } from '../engine/engine';\nexport const x = Engine;\n"],
    ['src/ui/planted.ts', "import { EngineHost } from '../offscreen/engine-host';\nexport const x = EngineHost;\n"],
  ])('%s may not import across the wall: %s', async (file, code) => {
    expect(await problems(file, code)).toContainEqual(expect.stringMatching(/^no-restricted-imports: .*ARCHITECTURE\.md/));
  });

  it('code that runs in Node may not use chrome.*', async () => {
    expect(await problems('src/store/planted.ts', 'export const id = chrome.runtime.id;\n')).toContainEqual(expect.stringMatching(/^no-restricted-globals: /));
  });

  it('what the rooms allow passes', async () => {
    expect(await problems('src/ui/planted.ts', "import { PagewiseError } from '../protocol';\nexport const x = PagewiseError;\n")).toEqual([]);
    expect(await problems('src/offscreen/planted.ts', "import { Engine } from '../engine/engine';\nexport const x = Engine;\n")).toEqual([]);
  });
});
