import { langSpan } from '../view/dom.js';
import { AimFeedback } from './aim-feedback.js';
import { CAMERA_STATUS, cameraStateOf, errorNameOf, type CameraReport, type CameraState } from './camera-status.js';
import { DECODE_WORKER_FILE, type DecodeReply, type DecodeRequest } from './camera-protocol.js';

export interface CameraScannerOptions {
  /** The camera's block on the idle screen: its data-state says which state shows (the preview and aiming frame only while live). */
  readonly panel: HTMLElement;
  /** The live preview on the idle screen, under its aiming frame. */
  readonly preview: HTMLVideoElement;
  /** Where the camera's state is written, in both languages (the browser's error name in data-detail only). */
  readonly status: HTMLElement;
  /**
   * A code seen in a frame, with the `performance.now()` of that frame: every frame that shows
   * it. The core tells repeats apart (one mechanism for every input: main/core/repeat-filter.ts);
   * a filter here would save no decoding, as a frame is decoded before its text is known.
   */
  readonly onScan: (text: string, seenAt: number) => void;
  /** Each change of state, with the browser's own error name: what the diagnostics screen (F4) shows. */
  readonly onState?: (report: CameraReport) => void;
  /** Frames per second sent to the decoder (default 10). */
  readonly fps?: number;
}

/** `chot start --camera` asks for the camera with `camera=1` in the kiosk URL's fragment (beside the token). */
export function cameraRequested(hash: string): boolean {
  return new URLSearchParams(hash.replace(/^#/, '')).get('camera') === '1';
}

/**
 * Writes a state: words on screen, the state on the panel for the stylesheet, and the browser's
 * own error name (NotFoundError…) only where a technician looks: data-detail and the diagnostics screen.
 */
function stateWriter(options: CameraScannerOptions): (state: CameraState, detail?: string) => void {
  const { panel, status } = options;
  let shown: CameraState | undefined;
  return (state, detail = '') => {
    if (state === shown) return;
    shown = state;
    const text = CAMERA_STATUS[state];
    panel.dataset.state = state;
    status.dataset.state = state;
    if (detail === '') delete status.dataset.detail;
    else status.dataset.detail = detail;
    status.replaceChildren(langSpan('vi', text.vi), document.createTextNode(' · '), langSpan('en', text.en));
    options.onState?.(detail === '' ? { state } : { state, detail });
  };
}

/**
 * The camera as a scanner: getUserMedia (640×480, the rear camera when there is one),
 * ~10 frames a second drawn to a canvas and handed to a Web Worker that decodes them.
 * One frame in flight at a time: a slow decode drops frames instead of queueing them.
 * Any failure (no camera, permission refused, the decoder not loading, the camera unplugged)
 * is a status line saying what to do, never a crash: the wedge and the other scanners keep working.
 */
export async function startCameraScanner(options: CameraScannerOptions): Promise<() => void> {
  const setState = stateWriter(options);
  setState('starting');
  if (navigator.mediaDevices?.getUserMedia === undefined) {
    setState('unsupported', 'navigator.mediaDevices.getUserMedia is missing');
    return () => {};
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: { ideal: 'environment' } },
    });
  } catch (error) {
    setState(cameraStateOf(error), errorNameOf(error) || String(error));
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
    setState('failed', errorNameOf(error) || String(error));
    return () => {};
  }

  let worker: Worker;
  try {
    worker = new Worker(DECODE_WORKER_FILE);
  } catch (error) {
    stream.getTracks().forEach((t) => t.stop());
    setState('decoder-failed', errorNameOf(error) || String(error));
    return () => {};
  }
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const aim = new AimFeedback();
  let inFlight: { id: number; at: number } | undefined;
  let nextId = 1;
  let stopped = false;

  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
    worker.terminate();
    stream.getTracks().forEach((t) => t.stop());
    video.srcObject = null;
  };
  /** A fault nothing on this page can mend: no more frames, and the words say what staff should do. */
  const fail = (state: CameraState, detail: string): void => {
    if (stopped) return;
    stop();
    setState(state, detail);
  };

  worker.onmessage = (event: MessageEvent<DecodeReply>) => {
    const reply = event.data;
    const frame = inFlight;
    inFlight = undefined;
    if (stopped || frame === undefined || reply.id !== frame.id) return;
    if (reply.ok) {
      setState(aim.frame('decoded', frame.at));
      options.onScan(reply.text, frame.at);
    } else if (reply.error !== undefined && reply.error.startsWith('decoder.')) {
      // Said while it lasts; a later frame that decodes (or finds nothing) without an error mends it.
      setState('decoder-failed', reply.error);
    } else {
      setState(aim.frame(reply.located === true ? 'located' : 'nothing', frame.at));
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail('decoder-failed', `decode worker: ${event.message || 'failed to load'}`);
  };
  // The camera unplugged, or taken by the system: the preview would freeze on its last picture.
  for (const track of stream.getVideoTracks()) track.addEventListener('ended', () => fail('lost', 'the video track ended'));

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
  return stop;
}
