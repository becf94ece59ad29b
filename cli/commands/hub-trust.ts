import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCertificate } from '../../domain/chip/x509.js';
import { terminalText } from '../../domain/text/terminal-text.js';
import { TRUST_FILE_KINDS } from '../../domain/trust/signed-trust-file.js';
import { nodeChipCrypto } from '../../drivers/chip/node-chip-crypto.js';
import { nodeChipSignatureVerifier } from '../../drivers/chip/node-signature-verifier.js';
import { defaultHubDataDir } from '../../hub/config/hub-paths.js';
import { loadOrCreateHubSigningKey } from '../../hub/keys/hub-signing-key.js';
import { CscaImportRefused, importCscas, subjectText, type CscaImportResult } from '../../hub/trust/csca-import.js';
import { listPublishedTrustFiles, publishTrustFile, readPublishedTrustFile } from '../../hub/trust/trust-publisher.js';
import { messageOf } from '../../platform/message-of.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { dccListLine, HUB_TRUST_DCC_HELP, importDccKind, isDccKind } from './hub-trust-dcc.js';

export const HUB_TRUST_HELP = `  trust import csca FILE… [--add]
             sign and publish the country signing CA list kiosks verify chip ID cards
             with: PEM or DER certificates and ICAO CSCA master lists (.ml). Each
             certificate must be a CA and not expired (others are skipped and listed).
             The files' certificates REPLACE the published list; --add keeps it and adds
             them. Kiosks install it on their next sync (docs/trust-files.md)
${HUB_TRUST_DCC_HELP}
  trust list list the published trust files (kind, version, certificates)`;

/** `chot hub trust import|list …` */
export function runHubTrust(args: readonly string[]): number {
  const [command, ...rest] = args;
  if (command === 'list') return runList(rest);
  if (command === 'import') return runImport(rest);
  throw new UsageError(command === undefined ? 'name a trust command: import or list' : `unknown hub trust command "${command}"`);
}

function runImport(args: readonly string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { data: { type: 'string' }, add: { type: 'boolean' }, 'trust-anchor': { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const [kind, ...files] = parsed.positionals;
  if (isDccKind(kind)) {
    const dccDataDir = resolve(parsed.values.data ?? defaultHubDataDir());
    const trustAnchor = parsed.values['trust-anchor'];
    return importDccKind(kind, files, {
      dataDir: dccDataDir,
      key: () => loadOrCreateHubSigningKey(dccDataDir),
      add: parsed.values.add === true,
      ...(trustAnchor === undefined ? {} : { trustAnchor }),
    });
  }
  if (parsed.values['trust-anchor'] !== undefined) throw new UsageError('--trust-anchor is the EU gateway’s: it goes with trust import dcc-dsc');
  if (kind !== 'csca') throw new UsageError(`import takes a kind (${TRUST_FILE_KINDS.join(', ')}) then its files, e.g. trust import csca vn-csca.pem`);
  if (files.length === 0) throw new UsageError('trust import csca takes at least one FILE (PEM or DER certificates, or a CSCA master list)');
  const inputs = files.map((name) => {
    try {
      return { name, bytes: new Uint8Array(readFileSync(name)) };
    } catch (error) {
      throw new UsageError(`${name}: ${messageOf(error)}`);
    }
  });
  const dataDir = resolve(parsed.values.data ?? defaultHubDataDir());
  const key = loadOrCreateHubSigningKey(dataDir);
  const published = readPublishedTrustFile(dataDir, 'csca');
  const now = Date.now();
  let result: CscaImportResult;
  try {
    result = importCscas({
      files: inputs,
      published: published?.certificates ?? [],
      add: parsed.values.add === true,
      now,
      ports: { crypto: nodeChipCrypto, verifier: nodeChipSignatureVerifier },
    });
  } catch (error) {
    if (!(error instanceof CscaImportRefused)) throw error;
    process.stderr.write(`chot hub trust import: refused, nothing published: ${terminalText(error.message)}\n`);
    return 1;
  }
  process.stdout.write(importReport(result));
  if (result.accepted.length === 0) {
    process.stderr.write('chot hub trust import: no certificate to publish (every one was skipped); the published list is unchanged\n');
    return 1;
  }
  const certificates = result.accepted.map((c) => Buffer.from(c.certificate.der).toString('base64'));
  const { file, signed } = publishTrustFile(dataDir, key, 'csca', { certificates }, now);
  const before =
    published === undefined
      ? ''
      : parsed.values.add === true
        ? `, keeping the ${published.certificates.length} published before`
        : `, replacing the ${published.certificates.length} published before`;
  process.stdout.write(`published csca version ${signed.version}: ${certificates.length} certificate(s)${before}: ${file}\n`);
  return 0;
}

function importReport(result: CscaImportResult): string {
  const lines: string[] = [];
  for (const list of result.masterLists) {
    const signature = list.signature;
    const what = `${terminalText(list.file)}: CSCA master list, ${list.certificates} certificate(s)`;
    if (signature.outcome === 'verified')
      lines.push(
        `${what}; its signature verified (signer ${terminalText(subjectText(signature.signer))}, issued by ${terminalText(subjectText(signature.anchor))})`,
      );
    else if (signature.outcome === 'unchecked')
      lines.push(
        `${what}; its own signature was NOT checked: ${terminalText(signature.reason)}${signature.signer === undefined ? '' : ` (signer ${terminalText(subjectText(signature.signer))})`}. Give the CSCA that issued the list's signer beside it to check it`,
      );
  }
  for (const entry of result.unreadableEntries) lines.push(`skipped ${terminalText(entry.source)}: not a readable certificate: ${terminalText(entry.error)}`);
  for (const skipped of result.skipped) lines.push(`skipped (${skipped.reason}): ${terminalText(skipped.subject)} [${terminalText(skipped.source)}]`);
  if (result.duplicates > 0) lines.push(`${result.duplicates} certificate(s) given more than once, kept once`);
  for (const accepted of result.accepted)
    lines.push(`  ${terminalText(accepted.subject)}  until ${new Date(accepted.certificate.notAfter).toISOString().slice(0, 10)}`);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function runList(args: readonly string[]): number {
  const { values } = parseCommandArgs(args, { data: { type: 'string' } });
  const files = listPublishedTrustFiles(resolve(values.data ?? defaultHubDataDir()));
  if (files.length === 0) process.stdout.write('no trust file is published (chot hub trust import csca FILE… publishes one)\n');
  for (const file of files) {
    if (file.kind === 'staff') {
      // Names are personal data: `chot hub staff list` shows them to whoever asks for them.
      process.stdout.write(`staff  version ${file.version}  issued ${file.issuedAt}  ${file.staff.length} staff member(s) (chot hub staff list)\n`);
      continue;
    }
    if (file.kind === 'dcc-dsc' || file.kind === 'dcc-schemas' || file.kind === 'dcc-value-sets') {
      process.stdout.write(dccListLine(file));
      continue;
    }
    process.stdout.write(`${file.kind}  version ${file.version}  issued ${file.issuedAt}  ${file.certificates.length} certificate(s)\n`);
    for (const base64 of file.certificates) {
      const certificate = parseCertificate(new Uint8Array(Buffer.from(base64, 'base64')));
      process.stdout.write(`  ${terminalText(subjectText(certificate))}  until ${new Date(certificate.notAfter).toISOString().slice(0, 10)}\n`);
    }
  }
  return 0;
}
