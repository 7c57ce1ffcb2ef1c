// The browser a bench launched, seen from /proc: its processes, their memory (PSS) and CPU time.
import { readdir, readFile, writeFile } from 'node:fs/promises';

export interface BrowserProcess {
  pid: number;
  /** --type= of the process (renderer, gpu-process, utility…), 'network' for the network service, 'browser' for the root. */
  kind: string;
  cpuSeconds: number;
}

/** The browser started with `profile` and all its descendants, from /proc. */
export async function browserProcesses(profile: string): Promise<BrowserProcess[]> {
  const procs = await Promise.all(
    (await readdir('/proc')).filter((p) => /^\d+$/.test(p)).map(async (pid) => {
      try {
        const statText = await readFile(`/proc/${pid}/stat`, 'utf8');
        const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
        const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
        return { pid: Number(pid), ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100, cmdline };
      } catch {
        return undefined;
      }
    }),
  );
  const live = procs.filter((p) => p !== undefined);
  const root = live.find((p) => p.cmdline.includes(profile) && !p.cmdline.includes('--type='));
  if (!root) return [];
  const tree = new Set([root.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of live) if (tree.has(p.ppid) && !tree.has(p.pid)) grew = tree.add(p.pid) !== undefined;
  }
  return live
    .filter((p) => tree.has(p.pid))
    .map((p) => {
      const type = /--type=(\S+)/.exec(p.cmdline)?.[1] ?? 'browser';
      return { pid: p.pid, kind: type === 'utility' && p.cmdline.includes('NetworkService') ? 'network' : type, cpuSeconds: p.cpu };
    });
}

/**
 * CPU seconds by thread name across the browser's processes (a worker is a "DedicatedWorker" thread of its
 * renderer): where a long job's time went, without a profiler slowing it down.
 */
export async function threadCpuSeconds(profile: string): Promise<Record<string, number>> {
  const seconds: Record<string, number> = {};
  for (const p of await browserProcesses(profile)) {
    const tasks = await readdir(`/proc/${p.pid}/task`).catch(() => [] as string[]);
    for (const tid of tasks) {
      const stat = await readFile(`/proc/${p.pid}/task/${tid}/stat`, 'utf8').catch(() => '');
      if (!stat) continue;
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // Workers share one name; each is its own line (a conversion worker, its hashing workers).
      const name = `${p.kind}:${comm}${comm.startsWith('DedicatedWorker') ? `#${tid}` : ''}`;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seconds[name] = (seconds[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
    }
  }
  return seconds;
}

/** PSS of the browser and all its descendants (shared pages counted once). */
export async function browserPss(profile: string): Promise<number> {
  let kib = 0;
  for (const p of await browserProcesses(profile)) {
    const rollup = await readFile(`/proc/${p.pid}/smaps_rollup`, 'utf8').catch(() => '');
    kib += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  }
  return kib * 1024;
}

/** CPU seconds used so far by the browser's processes (by process type) and by this process, which runs the hub. */
export async function cpuSeconds(profile: string): Promise<Record<string, number>> {
  const usage = process.cpuUsage();
  const seconds: Record<string, number> = { hub: (usage.user + usage.system) / 1e6 };
  for (const p of await browserProcesses(profile)) seconds[p.kind] = (seconds[p.kind] ?? 0) + p.cpuSeconds;
  return seconds;
}

export const cpuSpent = (before: Record<string, number>, after: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(after).map(([kind, s]) => [kind, s - (before[kind] ?? 0)]));

/**
 * Peak PSS growth of the browser's processes while `work` runs: a /proc sampler every `everyMs` (it takes CPU from
 * 2 cores, so timed work runs without it, or with a long interval).
 */
export async function peakGrowth(profile: string, work: () => Promise<unknown>, everyMs = 25): Promise<number> {
  const before = await browserPss(profile);
  let peak = before;
  await sampleWhile(work, everyMs, async () => {
    peak = Math.max(peak, await browserPss(profile));
  });
  return peak - before;
}

/** Runs `work`, calling `sample` every `everyMs` until it ends (and once more after the last wait). */
export async function sampleWhile<T>(work: () => Promise<T>, everyMs: number, sample: () => Promise<void>): Promise<T> {
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sample();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  try {
    return await work().finally(() => (sampling = false));
  } finally {
    await sampler;
  }
}

/**
 * Peak resident memory growth of the browser's processes while `work` runs, from the kernel's own high-water mark
 * (VmHWM, reset through clear_refs before the work): no sampler, so nothing is missed between samples and the work
 * runs at full speed. Each process's peak over its resident size before, summed (their peaks may not coincide, so
 * this bounds the whole browser's growth from above).
 */
export async function peakResidentGrowth(profile: string, work: () => Promise<unknown>): Promise<{ bytes: number; byKind: Record<string, number> }> {
  const kib = async (pid: number, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(await readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''))?.[1] ?? 0);
  const before = new Map<number, { kind: string; rss: number }>();
  for (const p of await browserProcesses(profile)) {
    await writeFile(`/proc/${p.pid}/clear_refs`, '5').catch(() => undefined);
    before.set(p.pid, { kind: p.kind, rss: await kib(p.pid, 'VmRSS') });
  }
  await work();
  const byKind: Record<string, number> = {};
  let bytes = 0;
  for (const [pid, { kind, rss }] of before) {
    const grew = Math.max(0, (await kib(pid, 'VmHWM')) - rss) * 1024;
    byKind[kind] = (byKind[kind] ?? 0) + grew;
    bytes += grew;
  }
  return { bytes, byKind };
}
