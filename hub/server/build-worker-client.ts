import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { BuildJob, BuildReply, BuildResult, BuildStop, BuildWorkerData } from './build-worker-protocol.js';

type Waiter = { resolve(result: BuildResult): void; reject(error: Error): void };

/** How long a thread asked to stop may take to reach the end of its task before it is terminated. */
const STOP_GRACE_MS = 5_000;

/**
 * Asks the thread to stop and lets it end itself between two tasks; Worker.terminate() only
 * if it does not within the grace. Terminating a thread in the middle of a zlib call (the
 * snapshot builds deflate every chunk) aborts the whole process — Node asserts on a zlib
 * handle cleaned up before its init — so terminate is the last resort, not the way.
 */
function stopWorker(worker: Worker): Promise<number> {
  return new Promise((resolve) => {
    // Already gone (it died, or stopped before): nothing to wait for.
    if (worker.threadId < 0) {
      resolve(0);
      return;
    }
    const timer = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    worker.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    worker.postMessage({ type: 'stop' } satisfies BuildStop);
  });
}

/**
 * The server's side of one build worker thread (build-worker.ts): started on the first
 * job, kept for the next ones (its storage connection and compiled code stay warm), and
 * started again after it dies. The script is the compiled build-worker.js beside this
 * module (dist/hub/server/) unless `url` names another (tests bundle the TypeScript source:
 * tests/support/hub-bundle.ts).
 */
export class BuildWorker {
  private worker: Promise<Worker> | undefined;
  private readonly pending = new Map<number, Waiter>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly data: BuildWorkerData,
    private readonly url: URL = new URL('./build-worker.js', import.meta.url),
    /** A memory cap: a job past it kills the thread (its waiters fail) and the next job starts another. */
    private readonly resourceLimits?: ResourceLimits,
  ) {}

  async run(job: BuildJob): Promise<BuildResult> {
    if (this.closed) throw new Error('the build worker is closed');
    const worker = await this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...job, id });
    });
  }

  /** Starts the thread now rather than on the first job (a broken script shows at start-up). */
  async warm(): Promise<void> {
    if (!this.closed) await this.start();
  }

  /**
   * Stops the thread (a build under way is abandoned); the next job starts a new one. Resolves
   * with the thread's exit code: 0 when it stopped itself, as asked, between two tasks.
   */
  async terminate(): Promise<number | undefined> {
    const worker = this.worker;
    this.worker = undefined;
    const started = await worker?.catch(() => undefined);
    return started === undefined ? undefined : stopWorker(started);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.terminate();
  }

  private start(): Promise<Worker> {
    this.worker ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(this.url, { workerData: this.data, ...(this.resourceLimits === undefined ? {} : { resourceLimits: this.resourceLimits }) });
      let ready = false;
      worker.on('message', (reply: BuildReply) => {
        if (reply.type === 'ready') {
          ready = true;
          resolve(worker);
          return;
        }
        const waiter = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.type === 'done') waiter?.resolve(reply.result);
        else waiter?.reject(new Error(reply.message));
      });
      let failure: Error | undefined;
      worker.on('error', (error) => (failure ??= error));
      worker.on('exit', (code) => {
        const error = new Error(`the build worker ${failure === undefined ? `exited (${code})` : `failed: ${failure.message}`}`);
        if (!ready) reject(error);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
        // Dead: the next job starts another (unless this one was already replaced).
        if (this.worker === started) this.worker = undefined;
      });
    });
    const started = this.worker;
    // A worker that failed to start is retried by the next job, not remembered as broken.
    started.catch(() => {
      if (this.worker === started) this.worker = undefined;
    });
    return started;
  }
}
