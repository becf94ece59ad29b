import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { HubKeyStore } from '../../domain/credentials/verification.js';
import { OWNER_ONLY_DIR_MODE, OWNER_ONLY_FILE_MODE } from '../../platform/owner-only-files.js';
import { DEFAULT_RULE_SET } from '../../domain/rules/builtin/index.js';
import { CompiledRuleSet } from '../../domain/rules/compiled-rule-set.js';
import { ruleSetInForce } from '../../domain/rules/rule-book.js';
import { verifySignedRuleSet, type SignedRuleSetError } from '../../domain/rules/signed-rule-set.js';

export const RULES_DIR = 'rules';

export interface RuleSetFileError {
  readonly file: string;
  readonly error: SignedRuleSetError | { readonly code: 'rules.unreadable'; readonly message: { vi: string; en: string } };
}

export interface RuleSetStatus {
  readonly loaded: readonly { id: string; version: string; validFrom: string; validTo?: string; file: string }[];
  readonly refused: readonly RuleSetFileError[];
}

function compileOrThrow(ruleSet: CompiledRuleSet['ruleSet']): CompiledRuleSet {
  const compiled = CompiledRuleSet.compile(ruleSet);
  if (!compiled.ok) throw new Error(`rule set ${ruleSet.id} does not compile: ${compiled.problems[0]?.message}`);
  return compiled.compiled;
}

/** Shipped with the app: used only until a signed rule set is installed. */
const BUILTIN_DEFAULT = compileOrThrow(DEFAULT_RULE_SET);

/**
 * The kiosk's signed rule sets, in `<data-dir>/rules/` (written by sync or `chot rules
 * install`). Each file is verified against the pinned hub keys before it is used; a file
 * that fails is refused with a clear error and the version already loaded from it is kept.
 * The set in force is chosen at every scan, so a set takes effect at its validFrom.
 */
export class RuleSetRepository {
  private byFile = new Map<string, CompiledRuleSet>();
  private refused: RuleSetFileError[] = [];
  private watcher: FSWatcher | undefined;

  constructor(
    /** Absent: no installed rule sets (e.g. `chot verify` without --data-dir); the built-in default applies. */
    private readonly dataDir: string | undefined,
    private readonly hubKeys: HubKeyStore | undefined,
    private readonly report: (message: string) => void = () => undefined,
  ) {
    this.reload();
  }

  private get dir(): string | undefined {
    return this.dataDir === undefined ? undefined : join(this.dataDir, RULES_DIR);
  }

  /** The rule set to apply at `nowMs`: the signed one in force, else the built-in default. */
  inForce(nowMs: number): CompiledRuleSet {
    return ruleSetInForce([...this.byFile.values()], nowMs) ?? BUILTIN_DEFAULT;
  }

  reload(): RuleSetStatus {
    const next = new Map<string, CompiledRuleSet>();
    const refused: RuleSetFileError[] = [];
    const dir = this.dir;
    const files =
      dir !== undefined && existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => f.endsWith('.json'))
            .sort()
        : [];
    for (const file of files) {
      const result = this.read(join(dir as string, file));
      if (result.ok) next.set(file, result.compiled);
      else {
        refused.push({ file, error: result.error });
        const kept = this.byFile.get(file);
        if (kept !== undefined) next.set(file, kept);
        this.report(
          `rule set ${file} refused (${result.error.code}: ${result.error.message.en})${kept === undefined ? '' : `; keeping ${kept.ruleSet.id}@${kept.ruleSet.version}`}`,
        );
      }
    }
    this.byFile = next;
    this.refused = refused;
    return this.status();
  }

  /** Verifies a published rule set and installs it; a refused one changes nothing. */
  install(document: unknown): { ok: true; file: string } | { ok: false; error: SignedRuleSetError } {
    const verified = verifySignedRuleSet(document, this.hubKeys);
    if (!verified.ok) return verified;
    const dir = this.dir;
    if (dir === undefined) throw new Error('installing a rule set needs the kiosk data directory');
    mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR_MODE });
    const file = join(dir, `${verified.ruleSet.id}@${verified.ruleSet.version}.json`);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(document, null, 2)}\n`, { mode: OWNER_ONLY_FILE_MODE });
    renameSync(`${file}.tmp`, file);
    this.reload();
    return { ok: true, file };
  }

  status(): RuleSetStatus {
    return {
      loaded: [...this.byFile.entries()].map(([file, set]) => ({
        id: set.ruleSet.id,
        version: set.ruleSet.version,
        validFrom: set.ruleSet.validFrom,
        ...(set.ruleSet.validTo === undefined ? {} : { validTo: set.ruleSet.validTo }),
        file,
      })),
      refused: this.refused,
    };
  }

  /** Reloads when files in the rules folder change (sync, install), without a restart. */
  watch(): () => void {
    const dir = this.dir;
    if (dir === undefined) return () => undefined;
    mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIR_MODE });
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.watcher = watch(dir, () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.reload(), 200);
    });
    return () => {
      clearTimeout(timer);
      this.watcher?.close();
    };
  }

  private read(path: string): { ok: true; compiled: CompiledRuleSet } | { ok: false; error: RuleSetFileError['error'] } {
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return { ok: false, error: { code: 'rules.unreadable', message: { vi: 'Không đọc được tệp bộ tiêu chí', en: 'The rule set file cannot be read' } } };
    }
    const verified = verifySignedRuleSet(document, this.hubKeys);
    if (!verified.ok) return verified;
    const compiled = CompiledRuleSet.compile(verified.ruleSet);
    if (!compiled.ok)
      return {
        ok: false,
        error: { code: 'rules.malformed', message: { vi: 'Bộ tiêu chí không hợp lệ', en: 'The rule set is malformed' }, problems: compiled.problems },
      };
    return { ok: true, compiled: compiled.compiled };
  }
}
