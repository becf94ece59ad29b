/**
 * What the face photo decoder (face-photo.ts) and its worker thread (face-decode-worker.ts)
 * say to each other. One worker decodes one photo and ends: everything is in its workerData,
 * and it answers with one message.
 */
export interface FaceDecodeWorkerData {
  /** The JPEG 2000 file or codestream (a copy: the worker never shares the caller's memory). */
  readonly image: Uint8Array;
  /** What the header check found, which the decoder's output must match. */
  readonly expected: { readonly width: number; readonly height: number; readonly channels: 1 | 3; readonly depth: number };
  /** The path of OpenJPEG's Emscripten glue script, resolved by the kiosk (a test bundle runs elsewhere). */
  readonly codecScript: string;
  /**
   * OpenJPEG's WebAssembly.Module, compiled once by the kiosk and shared with every worker:
   * V8 shares a module's machine code between threads, including the optimised code its hot
   * functions tier up to, so a fresh worker decodes at full speed instead of compiling anew.
   */
  readonly codecModule: object;
  /** The most WebAssembly memory the decoder may grow to, in bytes. */
  readonly wasmMemoryBytes: number;
}

export type FaceDecodeReply =
  | { readonly ok: true; readonly png: Uint8Array; readonly width: number; readonly height: number }
  /** `detail` says what failed, for a developer reading a test; it never carries pixels. */
  | { readonly ok: false; readonly detail: string };
