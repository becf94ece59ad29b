import { readFileSync } from 'node:fs';
import { certificatesInFile } from '../../domain/chip/certificate-file.js';
import { terminalText } from '../../domain/text/terminal-text.js';
import { DCC_PAYLOAD_CHECKS, MAX_DCC_TRUST_FILE_BYTES, type DccTrustPayloads } from '../../domain/trust/dcc-trust-kinds.js';
import type { SignedTrustFile } from '../../domain/trust/signed-trust-file.js';
import { nodeChipCrypto } from '../../drivers/chip/node-chip-crypto.js';
import { nodeChipSignatureVerifier } from '../../drivers/chip/node-signature-verifier.js';
import type { HubSigningKey } from '../../hub/keys/hub-signing-key.js';
import { DccImportRefused, importDccSigners, type GatewayTrust } from '../../hub/trust/dcc-dsc-import.js';
import { readDccSchemas, readDccValueSets } from '../../hub/trust/dcc-document-import.js';
import { publishTrustFile, readPublishedTrustFile } from '../../hub/trust/trust-publisher.js';
import { messageOf } from '../../platform/message-of.js';
import { UsageError } from '../args.js';

export const HUB_TRUST_DCC_HELP = `  trust import dcc-dsc FILE… [--add] [--trust-anchor FILE]
             the DCC document signers: the EU gateway's trust list (JSON), a national
             {kid: [certificates]} list, a JSON array of certificates, PEM or DER. Each
             must parse, not be expired and name its country; the gateway's thumbprint
             and kid are checked. --trust-anchor (the gateway's trust anchor certificate,
             PEM or DER) also checks the gateway's signatures: each DSC must be signed by
             an UPLOAD entry of its country (give /trustList, or /trustList/DSC with
             /trustList/UPLOAD) which the anchor signed; others are skipped and listed.
             Without it those signatures are NOT checked (docs/trust-files.md)
  trust import dcc-schemas DIR|FILE… [--add]
             the DCC JSON schemas: a schema repository folder (<version>/DCC.combined-schema.json),
             a version folder or a combined schema file
  trust import dcc-value-sets FILE… [--add]
             the EU value sets (valueSetId, valueSetDate, valueSetValues)
             What is given REPLACES the published file of the kind; --add keeps it and adds`;

export type DccKind = keyof DccTrustPayloads;
export const DCC_KINDS: readonly DccKind[] = ['dcc-dsc', 'dcc-schemas', 'dcc-value-sets'];
export const isDccKind = (kind: string | undefined): kind is DccKind => DCC_KINDS.includes(kind as DccKind);

/** `chot hub trust import dcc-… PATH… [--add]`: reads, checks, signs and publishes; 1 when refused. */
export function importDccKind(
  kind: DccKind,
  paths: readonly string[],
  options: { readonly dataDir: string; readonly key: () => HubSigningKey; readonly add: boolean; readonly trustAnchor?: string },
): number {
  if (paths.length === 0) throw new UsageError(`trust import ${kind} takes at least one ${kind === 'dcc-schemas' ? 'DIR or FILE' : 'FILE'}`);
  if (options.trustAnchor !== undefined && kind !== 'dcc-dsc') throw new UsageError('--trust-anchor is the EU gateway’s: it goes with trust import dcc-dsc');
  const gateway = options.trustAnchor === undefined ? undefined : gatewayTrust(options.trustAnchor);
  const now = Date.now();
  let payload: DccTrustPayloads[DccKind];
  let count: number;
  try {
    if (kind === 'dcc-dsc') {
      const published = options.add ? (readPublishedTrustFile(options.dataDir, 'dcc-dsc')?.signers ?? []) : [];
      const files = paths.map((name) => {
        try {
          return { name, bytes: new Uint8Array(readFileSync(name)) };
        } catch (error) {
          throw new UsageError(`${name}: ${messageOf(error)}`);
        }
      });
      const result = importDccSigners({ files, published, add: options.add, now, ...(gateway === undefined ? {} : { gateway }) });
      const lines = [
        ...result.uploads.map((upload) => `upload certificate ${upload.country} ${terminalText(upload.subject)}: signed by the trust anchor`),
        ...result.skipped.map((skipped) => `skipped ${terminalText(skipped.source)}: ${terminalText(skipped.reason)}`),
        ...(result.duplicates > 0 ? [`${result.duplicates} certificate(s) given more than once, kept once`] : []),
        ...result.accepted.map((signer) => `  ${signer.country} ${signer.kid}  ${terminalText(signer.subject)}`),
      ];
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
      if (result.uncheckedGatewaySignatures > 0)
        process.stderr.write(
          `chot hub trust import: WARN: the EU gateway's signatures on ${result.uncheckedGatewaySignatures} document signer(s) were NOT checked (no --trust-anchor): ` +
            'they are trusted because of where the file came from\n',
        );
      if (result.accepted.length === 0) {
        process.stderr.write('chot hub trust import: no document signer to publish (every one was skipped); the published list is unchanged\n');
        return 1;
      }
      payload = { signers: result.accepted.map(({ kid, country, certificate }) => ({ kid, country, certificate })) };
      count = result.accepted.length;
    } else if (kind === 'dcc-schemas') {
      const given = readDccSchemas(paths);
      const kept = options.add
        ? (readPublishedTrustFile(options.dataDir, 'dcc-schemas')?.schemas ?? []).filter((old) => !given.some((s) => s.version === old.version))
        : [];
      payload = { schemas: [...kept, ...given] };
      count = kept.length + given.length;
      process.stdout.write(`schemas: ${[...kept, ...given].map((s) => s.version).join(', ')}\n`);
    } else {
      const given = readDccValueSets(paths);
      const kept = options.add
        ? (readPublishedTrustFile(options.dataDir, 'dcc-value-sets')?.valueSets ?? []).filter((old) => !given.some((s) => s.id === old.id))
        : [];
      payload = { valueSets: [...kept, ...given] };
      count = kept.length + given.length;
      process.stdout.write(
        `${[...kept, ...given].map((s) => `  ${terminalText(s.id)}  ${terminalText(s.date)}  ${Object.keys(s.values).length} code(s)`).join('\n')}\n`,
      );
    }
  } catch (error) {
    if (!(error instanceof DccImportRefused)) throw error;
    process.stderr.write(`chot hub trust import: refused, nothing published: ${terminalText(error.message)}\n`);
    return 1;
  }
  // The kiosks check the same bounds; refusing here says so to the operator, not to every gate.
  const bytes = JSON.stringify(payload).length;
  const problem =
    DCC_PAYLOAD_CHECKS[kind](payload as unknown as Readonly<Record<string, unknown>>) ??
    (bytes > MAX_DCC_TRUST_FILE_BYTES ? `${bytes} bytes of JSON, more than the ${MAX_DCC_TRUST_FILE_BYTES} a kiosk takes in one file` : undefined);
  if (problem !== undefined) {
    process.stderr.write(`chot hub trust import: refused, nothing published: ${terminalText(problem)}\n`);
    return 1;
  }
  const { file, signed } = publishTrustFile(options.dataDir, options.key(), kind, payload, now);
  process.stdout.write(`published ${kind} version ${signed.version}: ${count} ${NOUNS[kind]}: ${file}\n`);
  return 0;
}

/** The gateway's trust anchor certificate(s) from `file` (PEM or DER; a PEM file may hold the current and the next anchor). */
function gatewayTrust(file: string): GatewayTrust {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new UsageError(`--trust-anchor ${file}: ${messageOf(error)}`);
  }
  try {
    return { anchors: certificatesInFile(bytes), ports: { crypto: nodeChipCrypto, verifier: nodeChipSignatureVerifier } };
  } catch (error) {
    throw new UsageError(`--trust-anchor ${file}: not a certificate (PEM or DER): ${messageOf(error)}`);
  }
}

const NOUNS: Readonly<Record<DccKind, string>> = { 'dcc-dsc': 'document signer(s)', 'dcc-schemas': 'schema(s)', 'dcc-value-sets': 'value set(s)' };

/** One line for `chot hub trust list`. */
export function dccListLine(file: SignedTrustFile<DccKind>): string {
  const count = file.kind === 'dcc-dsc' ? file.signers.length : file.kind === 'dcc-schemas' ? file.schemas.length : file.valueSets.length;
  return `${file.kind}  version ${file.version}  issued ${file.issuedAt}  ${count} ${NOUNS[file.kind]}\n`;
}
