import { describe, expect, it } from 'vitest';
import { doctorExitCode, judgeClockSkew, judgeDiskFree, type DoctorCheck } from '../../../../domain/doctor/doctor-check.js';

const check = (status: DoctorCheck['status']): DoctorCheck => ({ id: status, status, vi: status, en: status });

describe('doctor judgements', () => {
  it('exits 1 only when a check FAILed: WARN is a working gate', () => {
    expect(doctorExitCode([check('ok'), check('warn')])).toBe(0);
    expect(doctorExitCode([check('ok'), check('fail'), check('warn')])).toBe(1);
  });

  it('judges the clock difference either way', () => {
    expect(judgeClockSkew(30_000)).toBe('ok');
    expect(judgeClockSkew(-90_000)).toBe('warn');
    expect(judgeClockSkew(-6 * 60_000)).toBe('fail');
    expect(judgeClockSkew(6 * 60_000)).toBe('fail');
  });

  it('judges free space', () => {
    expect(judgeDiskFree(10 * 1024 ** 2)).toBe('fail');
    expect(judgeDiskFree(200 * 1024 ** 2)).toBe('warn');
    expect(judgeDiskFree(2 * 1024 ** 3)).toBe('ok');
  });
});
