import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'artifacts/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Security rules (ARCHITECTURE.md): model output and page text are data, never code or HTML.
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Use textContent or DOM nodes: page text and model output are data.' },
        { property: 'outerHTML', message: 'Use textContent or DOM nodes: page text and model output are data.' },
        { property: 'insertAdjacentHTML', message: 'Use DOM nodes: page text and model output are data.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "ImportExpression[source.type!='Literal']", message: 'No dynamic import of computed URLs: no remote code.' },
      ],
    },
  },
  // The rooms (ARCHITECTURE.md): what runs in Node (engine, tasks, model, store) and the protocol know no extension
  // context and no chrome.*; content scripts never reach the model or the store; UI pages reach the engine only
  // through the protocol.
  {
    files: ['src/engine/**/*.ts', 'src/tasks/**/*.ts', 'src/model/**/*.ts', 'src/store/**/*.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [room(['ui', 'background', 'offscreen', 'content'], 'runs in Node and in every context: it may not import an extension context')] }],
      'no-restricted-globals': ['error', { name: 'chrome', message: 'chrome.* belongs to the extension contexts (background, offscreen, content, ui), never to code that runs in Node.' }],
    },
  },
  {
    files: ['src/content/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [room(['engine', 'store', 'offscreen', 'tasks', 'ui', 'background'], 'is page-side: it never sees the model, the store or another context')] }] },
  },
  {
    files: ['src/ui/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [room(['offscreen', 'engine', 'background', 'content'], 'talks to the engine through the protocol only')] }] },
  },
);

/** An import pattern that matches any path through one of `folders` (relative or not). */
function room(folders, why) {
  return { group: folders.flatMap((folder) => [`**/${folder}`, `**/${folder}/**`]), message: `This folder ${why} (see ARCHITECTURE.md).` };
}
