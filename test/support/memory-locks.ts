/**
 * A LockManager for Node tests of store logic (Node 20 has no `navigator.locks`): exclusive locks by name,
 * `ifAvailable`, and `query()`, which is what model-lock.ts uses. The browser's own Web Locks run in the e2e
 * tests.
 */
export function memoryLocks(): LockManager {
  const held = new Map<string, Promise<unknown>>();
  const request = async (name: string, ...args: unknown[]): Promise<unknown> => {
    const callback = args.at(-1) as (lock: Lock | null) => Promise<unknown>;
    const options = (args.length > 1 ? args[0] : {}) as LockOptions;
    if (options.ifAvailable && held.has(name)) return callback(null);
    while (held.has(name)) await held.get(name)!.catch(() => undefined);
    const run = Promise.resolve().then(() => callback({ name, mode: 'exclusive' } as Lock));
    held.set(name, run);
    try {
      return await run;
    } finally {
      held.delete(name);
    }
  };
  return {
    request: request as LockManager['request'],
    query: async () => ({ held: [...held.keys()].map((name) => ({ name, mode: 'exclusive' as const, clientId: 'node' })), pending: [] }),
  };
}
