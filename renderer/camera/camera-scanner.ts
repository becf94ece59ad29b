import { CAMERA_STATUS, cameraStateOf, type CameraState } from './camera-status.js';
import { DECODE_WORKER_FILE, type DecodeReply, type DecodeRequest } from './camera-protocol.js';

export interface CameraScannerOptions {
  /** The small live preview on the idle screen. */
  readonly preview: HTMLVideoElement;
  /** Where the camera's state is written, in both languages. */
  readonly status: HTMLElement;
  /**
   * A code seen in a frame, with the `performance.now()` of that frame: every frame that shows
   * it. The core tells repeats apart (one mechanism for every input: main/core/repeat-filter.ts);
   * a filter here would save no decoding, as a frame is decoded before its text is known.
   */
  readonly onScan: (text: string, seenAt: number) => void;
  /** Frames per second sent to the decoder (default 10). */
  readonly fps?: number;
}

/** `chot start --camera` asks for the camera with `camera=1` in the kiosk URL's fragment (beside the token). */
export function cameraRequested(hash: string): boolean {
  return new URLSearchParams(hash.replace(/^#/, '')).get('camera') === '1';
}

/**
 * The camera as a scanner: getUserMedia (640×480, the rear camera when there is one),
 * ~10 frames a second drawn to a canvas and handed to a Web Worker that decodes them.
 * One frame in flight at a time: a slow decode drops frames instead of queueing them.
 * Any failure (no camera, permission refused, the decoder not loading) is a status line,
 * never a crash: the wedge and the other scanners keep working.
 */
export async function startCameraScanner(options: CameraScannerOptions): Promise<() => void> {
  const setState = (state: CameraState, detail = ''): void => {
    const text = CAMERA_STATUS[state];
    options.status.dataset.state = state;
    options.status.textContent = `${text.vi} · ${text.en}${detail === '' ? '' : ` (${detail})`}`;
  };
  setState('starting');
  if (navigator.mediaDevices?.getUserMedia === undefined) {
    setState('unsupported');
    return () => {};
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: { ideal: 'environment' } },
    });
  } catch (error) {
    setState(cameraStateOf(error), error instanceof Error ? error.name : '');
    return () => {};
  }
  const video = options.preview;
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try {
    await video.play();
  } catch (error) {
    stream.getTracks().forEach((t) => t.stop());
    setState('failed', error instanceof Error ? error.name : '');
    return () => {};
  }

  let worker: Worker;
  try {
    worker = new Worker(DECODE_WORKER_FILE);
  } catch (error) {
    stream.getTracks().forEach((t) => t.stop());
    setState('decoder-failed', error instanceof Error ? error.name : '');
    return () => {};
  }
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  let inFlight: { id: number; at: number } | undefined;
  let nextId = 1;
  let stopped = false;

  worker.onmessage = (event: MessageEvent<DecodeReply>) => {
    const reply = event.data;
    const frame = inFlight;
    inFlight = undefined;
    if (stopped || frame === undefined || reply.id !== frame.id) return;
    if (reply.ok) {
      options.onScan(reply.text, frame.at);
    } else if (reply.error !== undefined && reply.error.startsWith('decoder.')) {
      setState('decoder-failed', reply.error);
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    inFlight = undefined;
    setState('decoder-failed', event.message);
  };

  const grab = (): void => {
    if (stopped || inFlight !== undefined || context === null || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return;
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (width === 0 || height === 0) return;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    context.drawImage(video, 0, 0, width, height);
    const pixels = context.getImageData(0, 0, width, height).data.buffer;
    inFlight = { id: nextId++, at: performance.now() };
    const request: DecodeRequest = { id: inFlight.id, width, height, pixels };
    worker.postMessage(request, [pixels]);
  };
  const timer = setInterval(grab, 1000 / (options.fps ?? 10));
  setState('scanning');

  return () => {
    stopped = true;
    clearInterval(timer);
    worker.terminate();
    stream.getTracks().forEach((t) => t.stop());
    video.srcObject = null;
  };
}
