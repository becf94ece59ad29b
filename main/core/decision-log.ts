import type { Verdict } from '../../domain/verdict/verdict.js';
import type { Logger } from '../../platform/logging/logger.js';
import { messageOf } from '../../platform/message-of.js';

type Decided = { readonly verdict: Verdict };

/**
 * One decision, logged by its codes only: the entry, colour, credential kind and reason
 * codes say what happened; what was scanned (names, IDs, addresses) stays out of the log.
 * A scan that cannot be logged is an error the caller hears too (nothing was shown). A
 * decision that may first ask the hub (ScanPipeline.decideScanAsking) is a promise: it is
 * logged once it settles, the same way.
 */
export function decideLogged<T extends Decided>(logger: Logger, run: () => T, source: string): T;
export function decideLogged<T extends Decided>(logger: Logger, run: () => Promise<T>, source: string): Promise<T>;
export function decideLogged<T extends Decided>(logger: Logger, run: () => T | Promise<T>, source: string): T | Promise<T> {
  const failed = (error: unknown): never => {
    logger.error('a scan could not be decided or logged', { source, error: messageOf(error) });
    throw error;
  };
  let decided: T | Promise<T>;
  try {
    decided = run();
  } catch (error) {
    return failed(error);
  }
  return decided instanceof Promise ? decided.then((settled) => logDecision(logger, settled, source), failed) : logDecision(logger, decided, source);
}

function logDecision<T extends Decided>(logger: Logger, decided: T, source: string): T {
  const { verdict } = decided;
  // A staff badge that signed someone in is no entry (entry 0): the staff sessions logged it.
  if (verdict.staffSignIn !== undefined) return decided;
  const fields = {
    entry: verdict.entrySeq,
    outcome: verdict.outcome,
    credential: verdict.credentialKind,
    authenticity: verdict.authenticity,
    source,
    reasons: verdict.reasons.map((reason) => reason.code).join(','),
    gate: verdict.gate.open ? 'open' : verdict.gate.needsConfirm === undefined ? 'closed' : 'waits-for-staff',
  };
  // A code that could not be read or trusted is what a gate's trouble looks like: info; a colour, debug.
  if (verdict.outcome === 'none') logger.info('scan refused', fields);
  else logger.debug('scan decided', fields);
  return decided;
}
