import * as fs from 'node:fs';
import { dirname } from 'node:path';
import type { MrzKeyFields } from '../../domain/chip/mrz-key.js';
import { vietnameseDocumentNumber } from '../../domain/chip/mrz-key.js';
import { ChipReadError } from '../../domain/chip/read-chip-errors.js';
import { readChip, type ChipReadResult } from '../../domain/chip/read-chip.js';
import type { Certificate } from '../../domain/chip/x509.js';
import { certificatesIn } from '../../main/trust/csca-certificates.js';
import { terminalText } from '../../domain/text/terminal-text.js';
import type { ChipCard } from '../../drivers/chip/chip-card.js';
import { ChipReaderDriver, type ChipReaderHandle } from '../../drivers/chip/chip-reader.js';
import { nodeChipCrypto } from '../../drivers/chip/node-chip-crypto.js';
import { NodePcscBinding } from '../../drivers/chip/node-pcsc-binding.js';
import { nodeChipSignatureVerifier } from '../../drivers/chip/node-signature-verifier.js';
import { messageOf } from '../../platform/message-of.js';
import { createOwnerOnlyFile, OWNER_ONLY_FILE_MODE } from '../../platform/owner-only-files.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { chipReadJson, chipReadText } from './chip-output.js';

export const CHIP_HELP = `Usage: chot chip read [--can N | --mrz DOCUMENT,BIRTH,EXPIRY …] [--csca FILE]… [--photo FILE]
                     [--json] [--reader NAME] [--pace-param ID] [--wait SECONDS]

Reads a chip ID card (CCCD / Căn cước) or e-passport in the first PC/SC reader that
holds one (or in --reader NAME): PACE when the chip offers it, else BAC; then EF.COM,
DG1 (MRZ), DG13 (the Vietnamese card's printed facts), DG14, DG15 and EF.SOD, and checks
them: passive authentication (the data signed by the issuer, up to a --csca certificate)
and active authentication (when the chip has a DG15).

  --can N            the 6-digit card access number printed on the card (PACE)
  --mrz D,B,E        document number (or the 12-digit ID of a Vietnamese card), date of
                     birth and date of expiry as YYMMDD ('<' for unknown parts); repeat it to
                     try several (a card whose expiry is not known), in order
  --csca FILE        a trusted country signing CA certificate (PEM or DER; repeatable)
  --photo FILE       also read DG2 and write the face image to FILE (owner-only)
  --json             print one JSON object instead of text
  --reader NAME      read only in this reader (its PC/SC name)
  --pace-param ID    run PACE with this domain parameter id when the chip offers several
  --wait SECONDS     how long to wait for a card (default 20)

What is read is shown, never stored or logged. Exit code 0 when the card was read (the
authenticity outcome is in the output), 1 when it could not be (the reason is printed),
2 for a usage error.
`;

const DEFAULT_WAIT_SECONDS = 20;

export async function runChip(args: readonly string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'read') throw new UsageError(subcommand === undefined ? 'name a subcommand: read' : `unknown subcommand "${subcommand}"`);
  return runChipRead(rest);
}

async function runChipRead(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    can: { type: 'string' },
    mrz: { type: 'string', multiple: true },
    csca: { type: 'string', multiple: true },
    photo: { type: 'string' },
    json: { type: 'boolean' },
    reader: { type: 'string' },
    'pace-param': { type: 'string' },
    wait: { type: 'string' },
  });
  if (values.can !== undefined && !/^[0-9]{6}$/.test(values.can)) throw new UsageError('--can must be the 6 digits printed on the card');
  const mrzCandidates = (values.mrz ?? []).map(parseMrzOption);
  if (values.can === undefined && mrzCandidates.length === 0) throw new UsageError('give --can or --mrz: the chip opens only with one of them');
  const paceParameterId = values['pace-param'] === undefined ? undefined : integerOption('--pace-param', values['pace-param'], 0, 31);
  const waitMs = (values.wait === undefined ? DEFAULT_WAIT_SECONDS : integerOption('--wait', values.wait, 1, 3600)) * 1000;
  const trustedCscas = (values.csca ?? []).flatMap(readCertificates);

  const wantedReader = values.reader;
  const driver = new ChipReaderDriver(new NodePcscBinding(), wantedReader === undefined ? {} : { readers: (name) => name === wantedReader });
  const handle = await driver.open();
  try {
    const card = await firstCard(handle, waitMs, wantedReader);
    let result: ChipReadResult;
    try {
      result = await readChip({
        transmit: (command) => card.transmit(command),
        crypto: nodeChipCrypto,
        verifier: nodeChipSignatureVerifier,
        trustedCscas,
        scanTime: Date.now(),
        clock: () => performance.now(),
        key: { ...(values.can === undefined ? {} : { can: values.can }), mrzCandidates },
        ...(paceParameterId === undefined ? {} : { paceParameterId }),
        readPhoto: values.photo !== undefined,
      });
    } catch (error) {
      if (!(error instanceof ChipReadError)) throw error;
      // The reason for a person, then the technical detail (status words, file names: no personal data).
      process.stderr.write(`chot chip read: ${error.reason.vi} · ${error.reason.en} (${error.code}: ${terminalText(error.detail)})\n`);
      return 1;
    }
    const photoFile = values.photo;
    if (photoFile !== undefined && result.photo !== undefined) writeOwnerOnly(photoFile, result.photo.image);
    process.stdout.write(values.json === true ? `${chipReadJson(result, card.reader, photoFile)}\n` : chipReadText(result, card.reader, photoFile));
    return 0;
  } finally {
    await handle.close();
  }
}

/** "DOCUMENT,YYMMDD,YYMMDD"; a 12-digit Vietnamese ID stands for its MRZ document number (its last 9 digits). */
function parseMrzOption(value: string): MrzKeyFields {
  const parts = value.split(',');
  const [number = '', birth = '', expiry = ''] = parts.map((part) => part.trim().toUpperCase());
  if (parts.length !== 3 || !/^[0-9A-Z<]{1,20}$/.test(number) || !/^[0-9<]{6}$/.test(birth) || !/^[0-9<]{6}$/.test(expiry)) {
    throw new UsageError(`--mrz must be DOCUMENT,YYMMDD,YYMMDD (letters, digits, '<'), got ${JSON.stringify(value)}`);
  }
  return { documentNumber: /^[0-9]{12}$/.test(number) ? vietnameseDocumentNumber(number) : number, dateOfBirth: birth, dateOfExpiry: expiry };
}

function integerOption(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new UsageError(`${name} must be an integer ${min}–${max}, got ${JSON.stringify(value)}`);
  return number;
}

/** The certificates of one --csca file. */
function readCertificates(file: string): Certificate[] {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new UsageError(`--csca ${file}: ${messageOf(error)}`);
  }
  try {
    return certificatesIn(bytes);
  } catch (error) {
    throw new UsageError(`--csca ${file} is not a certificate: ${messageOf(error)}`);
  }
}

/** The first card connected in a watched reader, or a clear failure after `waitMs`. */
function firstCard(handle: ChipReaderHandle, waitMs: number, reader: string | undefined): Promise<ChipCard> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const where = reader === undefined ? 'any reader' : `reader "${reader}"`;
      reject(new Error(`không có thẻ trong đầu đọc · no card in ${where} within ${waitMs / 1000} s`));
    }, waitMs);
    handle.onCardInserted((card) => {
      clearTimeout(timer);
      resolve(card);
    });
  });
}

/** The photo is personal data: the file is created owner-only (0600), and tightened if it existed. */
function writeOwnerOnly(file: string, bytes: Uint8Array): void {
  createOwnerOnlyFile({ ...fs, platform: process.platform }, file, dirname(file));
  fs.chmodSync(file, OWNER_ONLY_FILE_MODE);
  fs.writeFileSync(file, bytes);
}
