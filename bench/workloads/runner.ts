/**
 * Runs every workload on every implementation in one process: a warm-up of each implementation
 * on its own (1 s of its own time at least), then measured rounds, each in slices that the
 * implementations take turns at (in orders in which each follows every other equally often,
 * see `turnOrders`) so that drift (the machine, the server's caches) and what one leaves to
 * the next (garbage) fall on all of them.
 * Each round's time is divided by raw `pg`'s time in the same round. Every result is compared
 * with raw `pg`'s result for the same operation.
 */
import { isDeepStrictEqual } from 'node:util';
import { turnOrders } from './turn-orders';
import type { Implementation, Workload } from './workloads';

export interface RunOptions {
  rounds: number;
  /** How long each implementation runs a workload on its own before the rounds (see warmUp). */
  warmUpMs: number;
  /** Multiplies every workload's operations per round (at least one). */
  scale: number;
  /** Turns per round: each implementation runs a slice of the round's operations per turn. */
  slices: number;
  /** Removes the rows that write workloads inserted; returns how many. */
  removeInserted: () => Promise<number>;
  /** Runs after each workload, between its rounds and the next workload's (untimed). */
  afterWorkload?: () => Promise<void>;
  /** Called after each round of a workload, for progress. */
  progress?: (line: string) => void;
}

export interface Measurement {
  workload: Workload;
  implementation: string;
  /** Milliseconds per measured round. */
  roundMs: number[];
  /** Time over raw `pg`'s time in the same round. */
  ratios: number[];
  /**
   * This process's CPU time (all its threads) over raw `pg`'s in the same round: the client's
   * own cost, which the load of other work on a shared machine moves less than the time.
   */
  cpuRatios: number[];
  statementsPerOperation: number;
}

interface Batch {
  ms: number;
  /** CPU time of this process during the batch, in ms. */
  cpuMs: number;
  results: unknown[];
  statements: number;
}

async function runBatch(
  implementation: Implementation,
  workload: Workload,
  first: number,
  count: number,
): Promise<Batch> {
  const operation = implementation.operations[workload.name];
  const results: unknown[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const k = next++;
      results[k] = await operation(first + k);
    }
  };
  const statementsBefore = implementation.statements();
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(workload.concurrency, count) }, worker));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { ms, cpuMs, results, statements: implementation.statements() - statementsBefore };
}

function check(workload: Workload, name: string, batch: Batch, baseline: Batch, first: number) {
  const digest = workload.digest;
  if (!digest) return;
  for (let k = 0; k < batch.results.length; k++) {
    const actual = digest(batch.results[k]);
    const expected = digest(baseline.results[k]);
    if (!isDeepStrictEqual(actual, expected)) {
      const show = (value: unknown) => JSON.stringify(value).slice(0, 400);
      throw new Error(
        `${name} differs from raw pg on "${workload.title}", operation ${first + k}:\n` +
          `  expected ${show(expected)}\n  actual   ${show(actual)}`,
      );
    }
  }
}

/** Runs one slice of operations, then removes the rows it inserted (checking how many). */
async function runTurn(
  implementation: Implementation,
  workload: Workload,
  first: number,
  size: number,
  options: RunOptions,
): Promise<Batch> {
  const batch = await runBatch(implementation, workload, first, size);
  if (workload.insertsRows) {
    const removed = await options.removeInserted();
    if (removed !== size * workload.insertsRows)
      throw new Error(
        `${implementation.name} inserted ${removed} rows on "${workload.title}", not ${size * workload.insertsRows}`,
      );
  }
  return batch;
}

/** The operations of slice `slice` of round `round`: the first one's index and how many. */
function sliceOf(round: number, slice: number, count: number, slices: number) {
  const first = round * count + Math.floor((slice * count) / slices);
  const size = round * count + Math.floor(((slice + 1) * count) / slices) - first;
  return { first, size };
}

/**
 * Runs round 0's operations on one implementation, again and again, until it has run them for
 * `options.warmUpMs` of its own time (JIT, prepared shapes, pool connections); returns the time.
 *
 * Each implementation gets its own time: a warm-up shared by all ended when its total did, so
 * beside a peer 20× slower on an operation the others had run a few hundred operations (the lazy
 * loop measured 1.36–1.47× raw `pg` there, 1.03–1.10× beside raw `pg` alone). And the time is
 * long enough for V8 to have optimized the code an operation runs once (a lazy loop runs the
 * relation loader once per 50 records): after a warm-up of 1 s, the measured rounds still
 * counted V8's compiler threads in the process's CPU time, and this package's lazy loop measured
 * 1.33–1.40× raw `pg` (CPU 1.63–1.88×) beside raw `pg` alone, against 1.03× (CPU 1.03×) after
 * 5 s (beside the seven peers it still measured 1.22×, CPU 1.68×: that is not a warm-up); in a
 * process of its own, its CPU time per operation fell from ~740 µs to ~220 µs, not steadily, over
 * its first 2,000 operations.
 */
async function warmUp(
  implementation: Implementation,
  workload: Workload,
  count: number,
  options: RunOptions,
): Promise<{ ms: number; operations: number }> {
  let ms = 0;
  let operations = 0;
  do {
    for (let slice = 0; slice < options.slices; slice++) {
      const { first, size } = sliceOf(0, slice, count, options.slices);
      if (size === 0) continue;
      ms += (await runTurn(implementation, workload, first, size, options)).ms;
      operations += size;
    }
  } while (ms < options.warmUpMs);
  return { ms, operations };
}

/** `implementations[0]` is the baseline (raw `pg`). */
export async function runWorkloads(
  implementations: Implementation[],
  workloads: Workload[],
  options: RunOptions,
): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const baselineName = implementations[0]!.name;
  for (const workload of workloads) {
    const count = Math.max(1, Math.round(workload.operations * options.scale));
    const perImplementation = new Map(
      implementations.map((impl) => [impl.name, { roundMs: [] as number[], statements: 0 }]),
    );
    const ratios = new Map(implementations.map((impl) => [impl.name, [] as number[]]));
    const cpuRatios = new Map(implementations.map((impl) => [impl.name, [] as number[]]));
    for (const implementation of implementations) {
      const { ms, operations } = await warmUp(implementation, workload, count, options);
      options.progress?.(
        `${workload.name} warm-up: ${implementation.name} ${operations} operations in ${ms.toFixed(0)} ms`,
      );
    }
    // A round runs in slices, the implementations taking turns slice by slice (in balanced
    // orders), so that a burst of load on a shared machine falls on all of them rather than on one.
    const orders = turnOrders(implementations.length);
    for (let round = 1; round <= options.rounds; round++) {
      const roundMs = new Map(implementations.map((impl) => [impl.name, 0]));
      const roundCpuMs = new Map(implementations.map((impl) => [impl.name, 0]));
      for (let slice = 0; slice < options.slices; slice++) {
        const { first, size } = sliceOf(round, slice, count, options.slices);
        if (size === 0) continue;
        const turn = round * options.slices + slice;
        const order = orders[turn % orders.length]!.map((k) => implementations[k]!);
        const batches = new Map<string, Batch>();
        for (const implementation of order) {
          batches.set(
            implementation.name,
            await runTurn(implementation, workload, first, size, options),
          );
        }
        const baseline = batches.get(baselineName)!;
        for (const implementation of implementations) {
          const batch = batches.get(implementation.name)!;
          check(workload, implementation.name, batch, baseline, first);
          roundMs.set(implementation.name, roundMs.get(implementation.name)! + batch.ms);
          roundCpuMs.set(implementation.name, roundCpuMs.get(implementation.name)! + batch.cpuMs);
          perImplementation.get(implementation.name)!.statements += batch.statements;
        }
      }
      const baselineMs = roundMs.get(baselineName)!;
      for (const implementation of implementations) {
        const ms = roundMs.get(implementation.name)!;
        perImplementation.get(implementation.name)!.roundMs.push(ms);
        ratios.get(implementation.name)!.push(ms / baselineMs);
        cpuRatios
          .get(implementation.name)!
          .push(roundCpuMs.get(implementation.name)! / roundCpuMs.get(baselineName)!);
      }
      options.progress?.(
        `${workload.name} round ${round}: ` +
          implementations
            .map((impl) => `${impl.name} ${roundMs.get(impl.name)!.toFixed(0)} ms`)
            .join(', '),
      );
    }
    await options.afterWorkload?.();
    for (const implementation of implementations) {
      const totals = perImplementation.get(implementation.name)!;
      measurements.push({
        workload,
        implementation: implementation.name,
        roundMs: totals.roundMs,
        ratios: ratios.get(implementation.name)!,
        cpuRatios: cpuRatios.get(implementation.name)!,
        statementsPerOperation: totals.statements / (count * options.rounds),
      });
    }
  }
  return measurements;
}
