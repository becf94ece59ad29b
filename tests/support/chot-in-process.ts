import { vi } from 'vitest';
import { main } from '../../cli/main.js';

export interface ChotOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `run` with process.stdout and stderr captured, and restores them whatever happens. */
export async function captureOutput(run: () => Promise<number>): Promise<ChotOutput> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await run();
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

/** Runs `chot …` in this process (cli/main.ts) and captures what it prints. */
export function chotInProcess(...argv: string[]): Promise<ChotOutput> {
  return captureOutput(() => main(argv));
}
