/** The bench's settings, from the environment. */
import { workloads, type Workload } from './workloads';

export interface Settings {
  url: string;
  rounds: number;
  /** Each implementation's own warm-up on each workload, before the measured rounds. */
  warmUpMs: number;
  scale: number;
  slices: number;
  poolSize: number;
  only: string[] | undefined;
  verbose: boolean;
  describe(): string;
}

function positive(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number`);
  return parsed;
}

export function settingsFromEnv(): Settings {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
  const unknown = only?.filter((name) => !workloads.some((w) => w.name === name));
  if (unknown?.length)
    throw new Error(
      `BENCH_ONLY: unknown ${unknown.join(', ')}; workloads are ${workloads.map((w) => w.name).join(', ')}`,
    );
  const settings = {
    url,
    rounds: positive('BENCH_ROUNDS', 5),
    // Long enough for V8 to finish optimizing each implementation's code (see the runner).
    warmUpMs: positive('BENCH_WARM_UP_S', 5) * 1000,
    scale: positive('BENCH_SCALE', 1),
    // Turns per round (see the runner): short enough that load on a shared machine evens out.
    slices: Math.round(positive('BENCH_SLICES', 10)),
    // Enough connections for the 50 concurrent lookups to wait on the server, not the pool.
    poolSize: positive('BENCH_POOL', 10),
    only,
    verbose: process.env.BENCH_VERBOSE === '1',
    describe: () =>
      `PostgreSQL ${url.replace(/\/\/[^@]*@/, '//')}; ${settings.rounds} rounds after a warm-up of each implementation on its own (${settings.warmUpMs / 1000} s of its time or more), ` +
      `each in ${settings.slices} turns, implementations taking turns in balanced orders; pool of ${settings.poolSize}; ` +
      `scale ${settings.scale}.\n` +
      `Cells: median ratio to raw pg in the same round (range over rounds); CPU: median ratio of this ` +
      `process's CPU time (all threads: the client's own cost, less moved by other load on the ` +
      `machine); statements per operation.`,
  };
  return settings;
}

export function selectedWorkloads(settings: Settings): Workload[] {
  return settings.only ? workloads.filter((w) => settings.only!.includes(w.name)) : workloads;
}
