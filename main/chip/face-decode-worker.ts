import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { messageOf } from '../../platform/message-of.js';
import { encodePng } from '../../platform/png-encoder.js';
import type { FaceDecodeReply, FaceDecodeWorkerData } from './face-decode-protocol.js';

/**
 * The face photo decoder's worker thread: decodes one JPEG 2000 photo with OpenJPEG
 * (@cornerstonejs/codec-openjpeg, OpenJPEG compiled to WebAssembly), encodes it as PNG,
 * answers once and ends. A codestream that crashes, exhausts or hangs the decoder costs this
 * thread only: the kiosk terminates it on a timeout, V8 ends it at its heap limit, and the
 * WebAssembly memory — which V8's heap limits do not cover — is capped below. A thread per
 * photo also means no person's photo stays in a long-lived decoder's memory.
 */
const data = workerData as FaceDecodeWorkerData;
const port = parentPort;
if (port === null) throw new Error('face-decode-worker runs as a worker thread');

/** The parts of the codec's embind API this uses (it ships no type declarations). */
interface FrameInfo {
  readonly width: number;
  readonly height: number;
  readonly bitsPerSample: number;
  readonly componentCount: number;
  readonly isSigned: boolean;
}
interface J2kDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
interface OpenJpegModule {
  readonly J2KDecoder: new () => J2kDecoder;
}
/** Emscripten's module options this uses: output callbacks, and instantiating the kiosk's compiled module. */
interface OpenJpegOptions {
  print(line: string): void;
  printErr(line: string): void;
  instantiateWasm(imports: object, receive: (instance: object) => void): object;
}
type OpenJpegFactory = (options: OpenJpegOptions) => Promise<OpenJpegModule>;

/** The WebAssembly API this uses (Node's type declarations leave it out). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  readonly Memory: { readonly prototype: WasmMemory };
  instantiate(module: object, imports: object): Promise<object>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const WASM_PAGE = 65_536;

/**
 * Refuses WebAssembly memory growth past `maxBytes` in this thread. Emscripten grows its heap
 * through `Memory.prototype.grow` and treats a throw as "out of memory": malloc fails and
 * OpenJPEG reports an error instead of taking gigabytes (its build allows 2 GiB).
 */
function capWasmMemory(maxBytes: number): void {
  const prototype = wasm.Memory.prototype;
  const grow = prototype.grow;
  prototype.grow = function capped(this: WasmMemory, pages: number): number {
    if (this.buffer.byteLength + pages * WASM_PAGE > maxBytes) throw new RangeError(`WebAssembly memory capped at ${maxBytes} bytes`);
    return grow.call(this, pages);
  };
}

async function decode(): Promise<FaceDecodeReply> {
  capWasmMemory(data.wasmMemoryBytes);
  // OpenJPEG prints its errors ("[ERROR] …"): kept for the reply's detail, never written out.
  const printed: string[] = [];
  const keep = (line: string): void => {
    printed.push(line);
    if (printed.length > 4) printed.shift();
  };
  const factory = createRequire(import.meta.url)(data.codecScript) as OpenJpegFactory;
  const codec = await factory({
    print: keep,
    printErr: keep,
    // Emscripten's hook for a module compiled elsewhere: an empty object says "instantiation under way".
    instantiateWasm: (imports, receive) => {
      wasm
        .instantiate(data.codecModule, imports)
        .then(receive, (error: unknown) => answer({ ok: false, detail: `OpenJPEG did not instantiate: ${messageOf(error)}` }));
      return {};
    },
  });
  const decoder = new codec.J2KDecoder();
  let samples: Uint8Array;
  let frame: FrameInfo;
  try {
    decoder.getEncodedBuffer(data.image.length).set(data.image);
    decoder.decode();
    frame = decoder.getFrameInfo();
    // A view into the WebAssembly heap: copied before the decoder is freed.
    samples = decoder.getDecodedBuffer().slice();
  } finally {
    decoder.delete();
  }
  const { width, height, channels, depth } = data.expected;
  // The codec reports a failure only by printing and leaving the frame empty; and its output
  // must be the image the header check allowed, not some other size the codestream reached.
  if (frame.componentCount === 0 || samples.length === 0) return { ok: false, detail: `OpenJPEG decoded nothing: ${printed.join(' ').trim()}` };
  if (frame.width !== width || frame.height !== height || frame.componentCount !== channels || frame.bitsPerSample !== depth || frame.isSigned)
    return { ok: false, detail: `decoded ${frame.width}×${frame.height}×${frame.componentCount} at ${frame.bitsPerSample} bits, not the header's image` };
  if (samples.length !== width * height * channels) return { ok: false, detail: `decoded ${samples.length} samples for ${width}×${height}×${channels}` };
  return { ok: true, png: encodePng({ width, height, channels, pixels: samples }), width, height };
}

/** The one answer; the kiosk takes the first and terminates the thread. */
function answer(reply: FaceDecodeReply): void {
  port?.postMessage(reply, reply.ok ? [reply.png.buffer as ArrayBuffer] : []);
}

try {
  answer(await decode());
} catch (error) {
  // A WebAssembly trap (out-of-bounds access, "unreachable"), a refused memory growth, a codec that does not load.
  answer({ ok: false, detail: messageOf(error) });
}
