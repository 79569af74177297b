import { availableParallelism, cpus, totalmem } from 'node:os';

export interface MachineFacts {
  cores: number;
  cpu: string;
  node: string;
  memoryMiB: number;
  loadAverage: number;
}

/** What every bench report says about the machine it ran on (load measured by the caller before it started). */
export function machineFacts(loadAverage: number): MachineFacts {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown CPU',
    node: process.version,
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    loadAverage,
  };
}
