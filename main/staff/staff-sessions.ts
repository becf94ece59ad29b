import { STAFF_REFUSALS, type StaffSessionState, type StaffSignInResult } from '../../domain/contract/staff-session.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { StaffMember, StaffPinStore } from './staff-pin-store.js';

/** A staff session ends after this long without a staff action (`chot start --staff-idle-seconds`). */
export const DEFAULT_STAFF_IDLE_MS = 120_000;

/** Wrong PINs in a row that lock the keypad, and the first lock; each further lock doubles, up to the cap. */
export const PIN_LOCK_POLICY = { failuresBeforeLock: 5, firstLockMs: 60_000, maxLockMs: 3_600_000 } as const;

export interface StaffSessionsOptions {
  readonly pins: StaffPinStore;
  readonly idleMs?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
}

/**
 * The kiosk's one staff session (one screen, one person at it): opened by a PIN, ended by
 * `signOut` or by `idleMs` without a staff action. Staff actions call `identity()`, which
 * both checks the session and keeps it alive. Wrong PINs are counted: after five in a row
 * the keypad is locked for a minute, and each further lock doubles — so the screen is no way
 * to search the PINs. The log says what happened, never the PIN nor who it was tried for.
 */
export class StaffSessions {
  private readonly idleMs: number;
  private readonly now: () => number;
  private session: { readonly member: StaffMember; readonly staff: string; lastActiveMs: number } | undefined;
  private failures = 0;
  private locks = 0;
  private lockedUntilMs = 0;

  constructor(private readonly options: StaffSessionsOptions) {
    this.idleMs = options.idleMs ?? DEFAULT_STAFF_IDLE_MS;
    this.now = options.now ?? Date.now;
  }

  /** Whether any staff PIN is set: without one, the kiosk keeps the open override of a demo kiosk. */
  pinsConfigured(): boolean {
    try {
      return this.options.pins.members().length > 0;
    } catch (error) {
      // A PIN file that cannot be read was meant to hold PINs: closed to everyone, never open to anyone.
      this.options.logger?.error('the staff PIN file cannot be read: staff actions are refused', {
        error: error instanceof Error ? error.message : String(error),
      });
      return true;
    }
  }

  async signIn(pin: string): Promise<StaffSignInResult> {
    const startedMs = this.now();
    if (startedMs < this.lockedUntilMs) {
      this.options.logger?.warn('staff sign-in refused: locked', { lockedUntil: toVietnamIso(this.lockedUntilMs) });
      return { ok: false, refusal: STAFF_REFUSALS.locked, lockedUntil: toVietnamIso(this.lockedUntilMs) };
    }
    const members = this.options.pins.members();
    if (members.length === 0) return { ok: false, refusal: STAFF_REFUSALS.noStaff };
    const member = await this.options.pins.findMember(pin, members);
    const nowMs = this.now();
    if (member === undefined) return this.failed(nowMs);
    this.failures = 0;
    this.locks = 0;
    return this.open(member, nowMs, 'pin');
  }

  /**
   * Opens a session for the hub's staff member a verified staff badge names (its signature and
   * validity are the caller's checks). Undefined when no such member may sign in here: not in
   * the installed hub list (removed at the hub), or out of this kiosk's scope.
   */
  signInByBadge(staffId: string): StaffSignInResult | undefined {
    const member = this.options.pins.hubMember(staffId);
    return member === undefined ? undefined : this.open(member, this.now(), 'badge');
  }

  private open(member: StaffMember, nowMs: number, method: 'pin' | 'badge'): StaffSignInResult {
    this.session = { member, staff: member.name, lastActiveMs: nowMs };
    // Codes only: which list and how, never the name.
    this.options.logger?.info('staff signed in', { method, list: member.source });
    return { ok: true, staff: member.name, expiresAt: toVietnamIso(nowMs + this.idleMs) };
  }

  signOut(): void {
    if (this.session !== undefined) this.options.logger?.info('staff signed out');
    this.session = undefined;
  }

  /** Who is signed in now, keeping the session alive (a staff action); undefined when no one is, or the session ran out. */
  identity(): string | undefined {
    const session = this.live();
    if (session === undefined) return undefined;
    session.lastActiveMs = this.now();
    return session.staff;
  }

  /** What the screen shows; does not count as activity. */
  state(): StaffSessionState {
    const session = this.live();
    return {
      pinsConfigured: this.pinsConfigured(),
      ...(session === undefined ? {} : { signedIn: { staff: session.staff, expiresAt: toVietnamIso(session.lastActiveMs + this.idleMs) } }),
    };
  }

  private live(): { readonly staff: string; lastActiveMs: number } | undefined {
    if (this.session !== undefined && this.now() - this.session.lastActiveMs >= this.idleMs) {
      this.options.logger?.info('staff session ended: inactive');
      this.session = undefined;
    }
    if (this.session !== undefined && !this.stillStaff(this.session.member)) {
      this.options.logger?.info('staff session ended: removed from the staff list', { list: this.session.member.source });
      this.session = undefined;
    }
    return this.session;
  }

  /** Whether the session's member is still in the lists read now: a hub list installed by a sync, or `chot staff remove`, may have dropped them. */
  private stillStaff(member: StaffMember): boolean {
    let members: readonly StaffMember[];
    try {
      members = this.options.pins.members();
    } catch {
      return false;
    }
    return members.some((now) => now.source === member.source && now.name === member.name && now.staffId === member.staffId);
  }

  private failed(nowMs: number): StaffSignInResult {
    this.failures += 1;
    if (this.failures < PIN_LOCK_POLICY.failuresBeforeLock) {
      this.options.logger?.warn('staff sign-in: wrong PIN', { failures: this.failures });
      return { ok: false, refusal: STAFF_REFUSALS.wrongPin };
    }
    const lockMs = Math.min(PIN_LOCK_POLICY.firstLockMs * 2 ** this.locks, PIN_LOCK_POLICY.maxLockMs);
    this.locks += 1;
    this.failures = 0;
    this.lockedUntilMs = nowMs + lockMs;
    this.options.logger?.warn('staff sign-in locked after wrong PINs', { lockMs, lockedUntil: toVietnamIso(this.lockedUntilMs) });
    return { ok: false, refusal: STAFF_REFUSALS.locked, lockedUntil: toVietnamIso(this.lockedUntilMs) };
  }
}
