import { describe, expect, it } from 'vitest';
import { completePids, signalOneProcess } from '../../../support/process-ids.js';

describe('completePids: the pids a stand-in program noted', () => {
  it('reads nothing from a file created but not yet written (once read as pid 0: the whole process group)', () => {
    expect(completePids('')).toEqual([]);
  });

  it('reads only lines ended by a newline: a line being written is not a pid yet', () => {
    expect(completePids('1234')).toEqual([]);
    expect(completePids('1234\n56')).toEqual([1234]);
    expect(completePids('1234\n5678\n')).toEqual([1234, 5678]);
  });

  it('skips anything that is not a real process id', () => {
    expect(completePids('0\n1\n-5\nabc\n\n77\n')).toEqual([77]);
  });
});

describe('signalOneProcess', () => {
  it('refuses the ids that signal a group, every process or init, without sending anything', () => {
    for (const pid of [undefined, 0, 1, -1, -process.pid, 1.5, Number.NaN]) {
      expect(() => signalOneProcess(pid, 'SIGKILL')).toThrow(/not one process's id/);
    }
  });

  it('signals one real process', () => {
    expect(() => signalOneProcess(process.pid, 0)).not.toThrow();
  });
});
