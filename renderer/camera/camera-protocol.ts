/** Messages between the camera (page) and its decode worker. */
export interface DecodeRequest {
  readonly id: number;
  readonly width: number;
  readonly height: number;
  /** RGBA pixels, transferred (not copied) to the worker. */
  readonly pixels: ArrayBuffer;
}

export type DecodeReply =
  | { readonly id: number; readonly ok: true; readonly text: string; readonly ms: number }
  /** `located`: a QR code was found in the frame but could not be read (the page says "hold still"). */
  | { readonly id: number; readonly ok: false; readonly located?: true; readonly error?: string; readonly ms: number };

/** The worker script and the reader's .wasm, both served from the kiosk's own origin (scripts/build.mjs copies them). */
export const DECODE_WORKER_FILE = 'decode-worker.js';
export const READER_WASM_FILE = 'zxing_reader.wasm';
