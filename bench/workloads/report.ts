/**
 * The measurements as a Markdown table: per cell the median ratio to raw `pg` (range over
 * rounds), the median ratio of client CPU time, and the statements per operation.
 */
import type { Measurement } from './runner';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function statements(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function cell(measurement: Measurement, baseline: boolean): string {
  const spent = `${statements(measurement.statementsPerOperation)} st/op`;
  if (baseline) return `${median(measurement.roundMs).toFixed(0)} ms/round, ${spent}`;
  const r = measurement.ratios;
  const cpu = median(measurement.cpuRatios).toFixed(2);
  return `${median(r).toFixed(2)} (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}), CPU ${cpu}, ${spent}`;
}

export function formatReport(measurements: Measurement[]): string {
  const names = [...new Set(measurements.map((m) => m.implementation))];
  const titles = [...new Set(measurements.map((m) => m.workload.title))];
  const lines = [
    `| workload | ${names.join(' | ')} |`,
    `|---|${names.map(() => '---').join('|')}|`,
  ];
  for (const title of titles) {
    const cells = names.map((name, k) => {
      const found = measurements.find(
        (m) => m.workload.title === title && m.implementation === name,
      );
      return found ? cell(found, k === 0) : '—';
    });
    lines.push(`| ${title} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
