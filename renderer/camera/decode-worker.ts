import { decodeQr, useQrWasm, warmUpQrDecoder } from '../../decoder/qr-decoder.js';
import { READER_WASM_FILE, type DecodeReply, type DecodeRequest } from './camera-protocol.js';

/**
 * The camera's QR decoding, off the page's thread: a frame that takes long to decode
 * never delays the verdict screen. The .wasm comes from our own origin, beside this
 * script; the CSP (connect-src) would block a CDN anyway.
 */
useQrWasm({ wasmUrl: new URL(READER_WASM_FILE, self.location.href).href });
void warmUpQrDecoder();

const scope = self as unknown as { onmessage: ((event: MessageEvent<DecodeRequest>) => void) | null; postMessage(reply: DecodeReply): void };

scope.onmessage = (event) => {
  const { id, width, height, pixels } = event.data;
  const started = performance.now();
  // locate: a code found but not yet read is worth telling the person holding it (hold still).
  void decodeQr({ data: new Uint8ClampedArray(pixels), width, height }, { locate: true }).then(
    (result) => {
      const ms = performance.now() - started;
      scope.postMessage(
        result.ok
          ? { id, ok: true, text: result.text, ms }
          : {
              id,
              ok: false,
              ...(result.located === true ? { located: true } : {}),
              ...(result.error === undefined ? {} : { error: result.error }),
              ms,
            },
      );
    },
    (error: unknown) => scope.postMessage({ id, ok: false, error: String(error), ms: performance.now() - started }),
  );
};
