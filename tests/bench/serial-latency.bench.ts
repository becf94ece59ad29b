import type { ScanEvent } from '../../domain/scan/scan-event.js';
import { NodeSerialTransport } from '../../drivers/serial/node-serial-transport.js';
import { SerialScannerDriver } from '../../drivers/serial/serial-scanner-driver.js';
import { socatAvailable, SocatPty } from '../support/socat-pty.js';
import { percentile, round, type Benchmark } from './bench-types.js';
import { envCount, figureCollector } from './support/figures.js';

const NAME = 'serial-latency';
/** A serial scan must add little to scan-to-paint: last byte received → ScanEvent delivered, p99 ≤ 5 ms over a pty. */
const GOAL_P99_MS = 5;
const WARM_UP = 50;
const CCCD = '079203012345|025123456|Nguyễn Thị Bích Ngọc|05062003|Nữ|12 Nguyễn Trãi, Phường Bến Thành, Quận 1, TP Hồ Chí Minh|10082021';

/**
 * A socat pty stands in for a USB CDC scanner; the real serial driver (serialport, framing,
 * UTF-8 decoding) reads it. Each sample is one scan, from the moment its last byte (the CR) is
 * handed to socat to the moment the ScanEvent reaches the listener; scans go one at a time,
 * as people pass a gate. The figure therefore includes socat's pipe-to-pty hop, which a
 * real scanner does not have: it is an upper bound on the driver's share.
 */
export const serialLatency: Benchmark = {
  name: NAME,
  description: 'serial scanner over a socat pty: last byte written → ScanEvent delivered (p50/p99)',
  async run() {
    const { figures, figure } = figureCollector(NAME);
    if (!socatAvailable()) {
      process.stderr.write(`${NAME}: socat is not installed, skipped\n`);
      return figures;
    }
    const count = envCount('CHOT_BENCH_SERIAL_SCANS', 1_000);
    const pty = await SocatPty.start();
    const handle = await new SerialScannerDriver({ transport: new NodeSerialTransport() }).open({ id: pty.path, kind: 'serial-scanner' });
    let pending: ((scan: ScanEvent) => void) | undefined;
    handle.onScan((scan) => pending?.(scan));
    const samples: number[] = [];
    try {
      for (let i = 0; i < WARM_UP + count; i++) {
        const text = `${CCCD}|${i}`;
        const delivered = new Promise<{ scan: ScanEvent; at: number }>((resolve) => {
          pending = (scan) => resolve({ scan, at: performance.now() });
        });
        // The body first, then the CR alone: the clock starts at the last byte.
        await pty.write(text);
        const start = performance.now();
        await pty.write('\r');
        const { scan, at } = await delivered;
        if (scan.text !== text) throw new Error(`scan ${i} arrived as ${JSON.stringify(scan.text.slice(0, 40))}`);
        if (i >= WARM_UP) samples.push(at - start);
      }
    } finally {
      await handle.close();
      await pty.stop();
    }
    const p99 = percentile(samples, 99);
    figure('last byte → ScanEvent p50', round(percentile(samples, 50), 3), 'ms', undefined, samples.length);
    figure('last byte → ScanEvent p99', round(p99, 3), 'ms', { text: `p99 ≤ ${GOAL_P99_MS} ms`, met: p99 <= GOAL_P99_MS }, samples.length);
    figure('last byte → ScanEvent max', round(Math.max(...samples), 2), 'ms', undefined, samples.length);
    return figures;
  },
};
