import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLISHED_RULES_DIR } from '../rules/rule-publisher.js';
import { messageOf } from '../../platform/message-of.js';
import type { Logger } from '../../platform/logging/logger.js';
import { publishedRulesEtag } from './info-routes.js';

export type RulesListener = (etag: string) => void;

/**
 * Follows the published rule sets, so the notice sockets can tell kiosks the moment one is
 * published. `chot hub rules publish` is another process: the folder is looked at every
 * `intervalMs` — names, sizes and times only, a few stat calls — and whenever `check` is
 * called (a PostgreSQL hub's processes are woken by the publisher's notice, so all of them
 * hear of it at once); only when that changes are the files read to work out the ETag
 * `GET /v1/rules` now answers with. A notice carries it, so a kiosk that has that very
 * content asks nothing.
 */
export class RulesWatcher {
  private readonly listeners = new Set<RulesListener>();
  private readonly timer: NodeJS.Timeout;
  private fingerprint: string;
  private etag: string;
  private failing = false;

  constructor(
    private readonly dataDir: string,
    intervalMs: number,
    private readonly log: Logger,
  ) {
    this.fingerprint = this.readFingerprint();
    this.etag = publishedRulesEtag(dataDir);
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  /** The ETag of the rule sets published now. */
  get current(): string {
    return this.etag;
  }

  onChange(listener: RulesListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Looks at the folder now (a publication was announced), besides the regular look. */
  check(): void {
    try {
      const fingerprint = this.readFingerprint();
      if (this.failing) this.log.info('rule sets: the published folder reads again');
      this.failing = false;
      if (fingerprint === this.fingerprint) return;
      this.fingerprint = fingerprint;
      const etag = publishedRulesEtag(this.dataDir);
      if (etag === this.etag) return;
      this.etag = etag;
    } catch (error) {
      // Logged once per outage; kiosks still poll the rule sets at every sync meanwhile.
      if (!this.failing) this.log.warn(`rule sets: could not read the published folder: ${messageOf(error)}`);
      this.failing = true;
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(this.etag);
      } catch (error) {
        this.log.error(`rule-set listener failed: ${messageOf(error)}`);
      }
    }
  }

  private readFingerprint(): string {
    const dir = join(this.dataDir, PUBLISHED_RULES_DIR);
    if (!existsSync(dir)) return '';
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => {
        const stat = statSync(join(dir, name));
        return `${name}:${stat.size}:${stat.mtimeMs}`;
      })
      .join('\n');
  }
}
