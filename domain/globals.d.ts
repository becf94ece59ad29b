// The domain layer compiles without Node or DOM types. These two globals exist in
// every runtime Chốt targets (Node ≥ 20, Chromium, Electron), so we declare just them.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
