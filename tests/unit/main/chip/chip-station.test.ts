import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { FakePcscBinding } from '../../../../drivers/chip/fake-pcsc-binding.js';
import { ChipStation } from '../../../../main/chip/chip-station.js';
import { facePhotoReason } from '../../../../domain/chip/face-photo-reasons.js';
import { parseDg2FaceImage } from '../../../../domain/chip/lds/dg2-face.js';
import { GATE_NOT_VERIFIED } from '../../../../main/devices/gate-policy.js';
import { HUB_FACTS_REASONS } from '../../../../domain/verdict/hub-facts.js';
import { CSCA_DIR } from '../../../../main/trust/csca-certificates.js';
import { BacChipCard, chipFiles } from '../../../support/chip-bac-card.js';
import { chipSamplesUnavailable, emulatorDg2, generateSod, makeVnPerson } from '../../../support/chip-samples.js';
import { AN, AN_MRZ, AN_QR, ATR, BINH_QR, chipStationKit, LANE, READER, SPEC } from './chip-station-kit.js';

/** The chip card at the gate (chip-station-kit.ts): reads, keys, the gate policy, the face, pcscd. */
const unavailable = chipSamplesUnavailable();

describe.skipIf(unavailable !== null)(`the chip station${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, { timeout: 30_000 }, () => {
  const { work, opened, kiosk } = chipStationKit();

  it('a card QR, then the card on the lane’s reader: a chip verdict of its own, logged with credential kind chip, and the gate opens', async () => {
    const k = await kiosk();
    const qr = await k.scanQr(AN_QR);
    expect(qr.credentialKind).toBe('cccd-qr');
    expect(k.chipStates().at(-1)).toEqual({ phase: 'waiting-for-card', lane: LANE, forEntrySeq: qr.entrySeq, untilMs: expect.any(Number) });
    k.insert(k.card());
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(1));
    const [verdict] = k.verdicts();
    expect(verdict).toMatchObject({
      outcome: 'green',
      credentialKind: 'chip',
      authenticity: 'chip-verified',
      gate: { open: true },
      subject: { name: 'Nguyễn Văn An', birthYear: 1989, idTail: '1234' },
      chip: { accessPath: 'bac', passive: 'chip-verified', photoProblem: { code: 'chip.photo.absent' } },
    });
    expect(verdict?.entrySeq).toBe(qr.entrySeq + 1);
    expect(k.log.get(verdict?.entrySeq ?? 0)).toMatchObject({
      sourceKind: 'chip',
      sourceDeviceId: READER,
      credentialKind: 'chip',
      authenticity: 'chip-verified',
      personId: AN.id12,
      outcome: 'green',
      lane: LANE,
      direction: 'out',
    });
    // The relays of the reader's lane hear it, after the card QR's (which waits for staff).
    expect(k.relays.map((decided) => [decided.lane, decided.verdict.credentialKind, decided.verdict.gate.open])).toEqual([
      [LANE, 'cccd-qr', false],
      [LANE, 'chip', true],
    ]);
    // The screen saw the read's progress, then the verdict, then the lane idle.
    const phases = k.chipStates().map((state) => (state.phase === 'reading' ? `reading:${state.step}` : state.phase));
    expect(phases[0]).toBe('waiting-for-card');
    expect(phases).toContain('reading:handshake');
    expect(phases).toContain('reading:data');
    expect(phases.at(-1)).toBe('idle');
    const verdictAt = k.events.findIndex((event) => event.name === 'verdict' && event.source.kind === 'chip');
    const idleAt = k.events.length - 1 - [...k.events].reverse().findIndex((event) => event.name === 'chip' && event.state.phase === 'idle');
    expect(verdictAt).toBeLessThan(idleAt);
    // The log has codes, never what the chip holds.
    const lines = k.logger.lines.join('\n');
    expect(lines).toContain('chip read');
    for (const personal of [AN.id12, 'Nguyễn', 'NGUYEN', '15/03/1989']) expect(lines).not.toContain(personal);
  });

  it('a person the kiosk’s data does not hold: the chip read itself asks the hub (bounded), as a scan does, and is decided on its answer', async () => {
    const k = await kiosk({ demo: false });
    const asked: string[] = [];
    const twoDoses = { doses: [1, 2].map((dose) => ({ dose, date: '2021-08-0' + String(dose), product: 'EU/1/20/1528' })), tests: [], quarantine: [] };
    // Nothing held between questions: the chip read must ask for itself, not reuse the QR's answer.
    k.core.attachHubFacts({
      asks: () => true,
      held: () => undefined,
      lookup: async (id12) => {
        asked.push(id12);
        return { answer: 'facts', facts: twoDoses };
      },
    });
    await k.scanQr(AN_QR);
    k.insert(k.card());
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(1));
    expect(asked).toEqual([AN.id12, AN.id12]);
    expect(k.verdicts()[0]).toMatchObject({ credentialKind: 'chip', authenticity: 'chip-verified' });
    expect(k.verdicts()[0]?.reasons).toContainEqual(HUB_FACTS_REASONS.fromHub);
  });

  it('the card read once per insertion: left on the reader it is not read again, even by a second QR', async () => {
    const k = await kiosk();
    await k.scanQr(AN_QR);
    const chip = k.card();
    k.insert(chip);
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(1));
    const commands = chip.commands.length;
    await k.scanQr(AN_QR);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(k.verdicts()).toHaveLength(1);
    expect(chip.commands.length).toBe(commands);
  });

  it('a card first: needs-key; the card QR then comes and the card is read at once', async () => {
    const k = await kiosk();
    k.insert(k.card());
    await vi.waitFor(() => expect(k.chipStates().at(-1)).toEqual({ phase: 'needs-key', lane: LANE, reader: READER }));
    expect(k.verdicts()).toEqual([]);
    await k.scanQr(AN_QR);
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(1));
    expect(k.verdicts()[0]).toMatchObject({ credentialKind: 'chip', authenticity: 'chip-verified', outcome: 'green' });
  });

  it('a card first, then a CAN typed by staff: the card is read with it (this BAC-only card needs the MRZ: a none verdict saying so)', async () => {
    const k = await kiosk();
    const chip = k.card();
    k.insert(chip);
    await vi.waitFor(() => expect(k.chipStates().at(-1)?.phase).toBe('needs-key'));
    expect(await k.core.enterChipCan({ can: '001234', lane: LANE })).toEqual({ ok: true });
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(1));
    expect(k.verdicts()[0]).toMatchObject({ outcome: 'none', credentialKind: 'chip', authenticity: 'none', reasons: [{ code: 'chip.needs-mrz' }] });
    expect(k.log.get(k.verdicts()[0]?.entrySeq ?? 0)).toMatchObject({ credentialKind: 'chip', authenticity: 'none', personId: null, sourceKind: 'chip' });
    // The card was asked for EF.CardAccess (no PACE on offer) and nothing else: no key to try.
    expect(chip.commands.every((command) => command[1] === 0xa4 || command[1] === 0xb0)).toBe(true);
  });

  it('a CAN for a lane with no chip reader is refused', async () => {
    const k = await kiosk();
    expect(await k.core.enterChipCan({ can: '001234', lane: '9' })).toEqual({ ok: false, refusal: expect.objectContaining({ code: 'chip.no-reader' }) });
    // The kiosk's own lane ('1') has no reader here either.
    expect(await k.core.enterChipCan({ can: '001234' })).toMatchObject({ ok: false });
  });

  it('a card QR on a lane without a chip reader leaves no key', async () => {
    const k = await kiosk();
    await k.scanQr(AN_QR, '1');
    expect(k.chipStates()).toEqual([]);
    k.insert(k.card());
    await vi.waitFor(() => expect(k.chipStates().at(-1)?.phase).toBe('needs-key'));
  });

  it('a wrong key (another person’s QR): a none verdict for that person with the reason; not read again until the card is put back', async () => {
    const k = await kiosk();
    await k.scanQr(BINH_QR);
    const chip = k.card();
    k.insert(chip);
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(1));
    expect(k.verdicts()[0]).toMatchObject({
      outcome: 'none',
      credentialKind: 'chip',
      authenticity: 'none',
      gate: { open: false },
      reasons: [{ code: 'chip.wrong-key' }],
    });
    expect(k.log.get(k.verdicts()[0]?.entrySeq ?? 0)).toMatchObject({ personId: '079195004321', credentialKind: 'chip', reasonCodes: ['chip.wrong-key'] });
    await vi.waitFor(() => expect(k.chipStates().at(-1)?.phase).toBe('waiting-for-card'));
    const commands = chip.commands.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(chip.commands.length).toBe(commands);
    // Put back: read again (the key still waits), and refused again.
    k.binding.removeCard(READER);
    k.insert(chip);
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(2));
    // The right QR now: the card still lying there is read with it.
    await k.scanQr(AN_QR);
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(3));
    expect(k.verdicts()[2]).toMatchObject({ outcome: 'green', authenticity: 'chip-verified' });
  });

  it('the gate policy: a chip intact but under no trusted CSCA does not open by itself (staff confirm), and says why', async () => {
    const k = await kiosk({ trustCsca: false });
    await k.scanQr(AN_QR);
    k.insert(k.card());
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(1));
    const [verdict] = k.verdicts();
    expect(verdict).toMatchObject({
      outcome: 'green',
      authenticity: 'unsigned',
      gate: { open: false, needsConfirm: GATE_NOT_VERIFIED },
      chip: { passive: 'chip-integrity-only' },
    });
    expect(verdict?.reasons.map((reason) => reason.code)).toContain('chip.pa.csca-unknown');
    expect(k.relays.at(-1)?.verdict.gate.open).toBe(false);
    // A CSCA dropped into trust/csca/ applies to the next read, without a restart.
    mkdirSync(join(k.dataDir, CSCA_DIR), { recursive: true });
    copyFileSync(join(work.dir, 'pki', 'csca.pem'), join(k.dataDir, CSCA_DIR, 'csca.pem'));
    k.binding.removeCard(READER);
    await k.scanQr(AN_QR);
    k.insert(k.card());
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(2));
    expect(k.verdicts()[1]).toMatchObject({ authenticity: 'chip-verified', gate: { open: true } });
  });

  it('the face: the chip’s JPEG goes to Verdict.chip.photo, for the screen only (not the entry, not the log); a port decides what is shown', async () => {
    const dg2 = emulatorDg2(120, 160);
    if (typeof dg2 === 'string') return expect.soft(dg2, 'the emulator cannot build a DG2 here').toBe('');
    const { dg1, dg13 } = makeVnPerson(AN);
    const withPhoto = chipFiles(
      new Map([
        [1, dg1],
        [2, dg2],
        [13, dg13],
      ]),
      generateSod(join(work.dir, 'pki'), { 1: dg1, 2: dg2, 13: dg13 }, 'prime256v1'),
    );
    const face = parseDg2FaceImage(dg2);
    const k = await kiosk();
    await k.scanQr(AN_QR);
    k.binding.insertCard(READER, { atr: ATR, respond: new BacChipCard(AN_MRZ, withPhoto, nodeChipCrypto).respond });
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(1));
    const base64 = Buffer.from(face.image).toString('base64');
    expect(k.verdicts()[0]?.chip).toEqual({
      accessPath: 'bac',
      passive: 'chip-verified',
      photo: { mime: 'image/jpeg', base64, width: face.width, height: face.height },
    });
    expect(k.chipStates().some((state) => state.phase === 'reading' && state.step === 'photo' && state.bytesExpected === dg2.length)).toBe(true);
    expect(JSON.stringify(k.log.get(k.verdicts()[0]?.entrySeq ?? 0))).not.toContain(base64.slice(0, 40));
    expect(k.logger.lines.join('\n')).not.toContain(base64.slice(0, 40));

    // Another port (the JPEG 2000 decoder's place): what it answers is what the screen gets.
    const seen: string[] = [];
    k.binding.removeCard(READER);
    opened.pop();
    await k.station.close();
    const station = await ChipStation.start({
      specs: [SPEC],
      core: k.core,
      dataDir: k.dataDir,
      now: Date.now,
      binding: k.binding,
      facePhoto: (photo) => {
        seen.push(photo.format);
        return Promise.resolve(facePhotoReason('chip.photo.unsupported-format'));
      },
    });
    opened.push({ station, core: k.core });
    await k.scanQr(AN_QR);
    k.binding.insertCard(READER, { atr: ATR, respond: new BacChipCard(AN_MRZ, withPhoto, nodeChipCrypto).respond });
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(2));
    expect(seen).toEqual(['jpeg']);
    expect(k.verdicts()[1]?.chip).toEqual({ accessPath: 'bac', passive: 'chip-verified', photoProblem: facePhotoReason('chip.photo.unsupported-format') });
  });

  it('pcscd not running at start: a device fault on the reader’s line, and the station comes up when it does', async () => {
    const binding = new FakePcscBinding();
    binding.stopService();
    const k = await kiosk({ binding });
    expect(k.station.statuses()).toEqual([
      expect.objectContaining({
        info: { id: READER, kind: 'chip-reader' },
        state: 'fault',
        lane: LANE,
        fault: expect.objectContaining({ kind: 'open-failed', message: expect.stringContaining('pcscd') }),
      }),
    ]);
    binding.startService();
    binding.addReader(READER);
    await vi.waitFor(() => expect(k.station.statuses()[0]?.state).toBe('ready'));
    // pcscd stops later: the keeper's fault, then ready again when it is back.
    binding.stopService();
    await vi.waitFor(() => expect(k.station.statuses()[0]?.state).toBe('fault'));
    binding.startService();
    await vi.waitFor(() => expect(k.station.statuses()[0]?.state).toBe('ready'));
    await k.scanQr(AN_QR);
    k.insert(k.card());
    await vi.waitFor(() => expect(k.verdicts()).toHaveLength(1));
  });
});
