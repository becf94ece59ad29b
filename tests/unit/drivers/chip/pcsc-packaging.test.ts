import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script, createContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { POLKIT_RULE_PATH } from '../../../../cli/commands/devices-pcsc.js';
import { repoRoot } from '../../../support/kiosk-process.js';

/**
 * What a kiosk needs from the system for its chip card reader, shipped in the packages: the
 * polkit rule that lets its service user use pcscd, and the modprobe blacklist that keeps the
 * kernel's NFC driver off an ACR122U. A slip here shows in the field as "pcscd refuses this
 * user" or as no reader at all, so it is checked here.
 */
const root = repoRoot();
const POLKIT_RULES = 'packaging/polkit/70-chot-pcscd.rules';
const BLACKLIST = 'packaging/modprobe/blacklist-chot-nfc.conf';
const PCSC_ACTIONS = ['org.debian.pcsc-lite.access_pcsc', 'org.debian.pcsc-lite.access_card'];
/** Actions a kiosk machine's polkit also decides: the rule must have no opinion on them. */
const OTHER_ACTIONS = [
  'org.freedesktop.login1.reboot',
  'org.freedesktop.login1.power-off',
  'org.freedesktop.systemd1.manage-units',
  'org.freedesktop.udisks2.filesystem-mount',
  'org.freedesktop.NetworkManager.settings.modify.system',
  'org.freedesktop.packagekit.package-install',
  'org.debian.pcsc-lite',
  'org.debian.pcsc-lite.access_pcsc.extra',
];

type Rule = (action: FakeAction, subject: FakeSubject) => unknown;

interface FakeAction {
  readonly id: string;
  lookup(key: string): string | undefined;
}

interface FakeSubject {
  readonly user: string;
  readonly groups: readonly string[];
  readonly local: boolean;
  readonly active: boolean;
  isInGroup(group: string): boolean;
  isInNetGroup(group: string): boolean;
}

const RESULT = {
  YES: 'yes',
  NO: 'no',
  AUTH_SELF: 'auth_self',
  AUTH_SELF_KEEP: 'auth_self_keep',
  AUTH_ADMIN: 'auth_admin',
  AUTH_ADMIN_KEEP: 'auth_admin_keep',
  NOT_HANDLED: null,
};

/** Runs the rules file as polkitd does: in a context whose only global is `polkit`. */
function loadRules(source: string): { rules: Rule[]; adminRules: unknown[] } {
  const rules: Rule[] = [];
  const adminRules: unknown[] = [];
  const polkit = {
    Result: RESULT,
    addRule: (rule: Rule) => void rules.push(rule),
    addAdminRule: (rule: unknown) => void adminRules.push(rule),
    log: () => undefined,
    spawn: () => {
      throw new Error('the rule must not run programs');
    },
  };
  new Script(source, { filename: POLKIT_RULES }).runInContext(createContext({ polkit }));
  return { rules, adminRules };
}

function subject(user: string, groups: readonly string[], seat: { local: boolean; active: boolean } = { local: false, active: false }): FakeSubject {
  return { user, groups, ...seat, isInGroup: (group) => groups.includes(group), isInNetGroup: () => false };
}

function action(id: string): FakeAction {
  return { id, lookup: (key) => (key === 'reader' ? 'ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00' : undefined) };
}

describe(POLKIT_RULES, () => {
  const source = readFileSync(join(root, POLKIT_RULES), 'utf8');

  it('is JavaScript that polkit can run, adding exactly one rule and no admin rule', () => {
    const { rules, adminRules } = loadRules(source);
    expect(rules).toHaveLength(1);
    expect(adminRules).toEqual([]);
  });

  it('grants both pcsc-lite actions to a member of plugdev outside any seat (a kiosk service user)', () => {
    const [rule] = loadRules(source).rules as [Rule];
    const kiosk = subject('chot-kiosk', ['chot-kiosk', 'plugdev', 'dialout']);
    for (const id of PCSC_ACTIONS) expect(rule(action(id), kiosk)).toBe(RESULT.YES);
  });

  it('has no opinion on users outside plugdev, even root or the seat user: polkit’s other rules decide', () => {
    const [rule] = loadRules(source).rules as [Rule];
    for (const someone of [subject('www-data', ['www-data']), subject('root', ['root']), subject('alice', ['alice', 'sudo'], { local: true, active: true })]) {
      for (const id of PCSC_ACTIONS) expect(rule(action(id), someone)).toBeUndefined();
    }
  });

  it('grants plugdev nothing else', () => {
    const [rule] = loadRules(source).rules as [Rule];
    const kiosk = subject('chot-kiosk', ['plugdev']);
    for (const id of OTHER_ACTIONS) expect(rule(action(id), kiosk), id).toBeUndefined();
  });
});

describe(BLACKLIST, () => {
  it('blacklists the kernel NFC modules that take the ACR122U, and nothing else', () => {
    const lines = readFileSync(join(root, BLACKLIST), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(lines).toEqual(['blacklist pn533_usb', 'blacklist pn533', 'blacklist nfc']);
  });
});

interface LinuxPackaging {
  readonly linux: { readonly extraResources?: readonly { from: string; to: string }[] };
  readonly deb?: { readonly fpm?: readonly string[] };
}

describe('electron-builder.yml ships them', () => {
  const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as LinuxPackaging;

  it('in every Linux package, for manual installs (resources/polkit/, resources/modprobe/)', () => {
    expect(config.linux.extraResources).toContainEqual({ from: POLKIT_RULES, to: 'polkit/70-chot-pcscd.rules' });
    expect(config.linux.extraResources).toContainEqual({ from: BLACKLIST, to: 'modprobe/blacklist-chot-nfc.conf' });
  });

  it('and the deb installs them where polkit and modprobe read them; `chot devices` names the same polkit path', () => {
    expect(config.deb?.fpm).toContain(`${POLKIT_RULES}=${POLKIT_RULE_PATH}`);
    expect(POLKIT_RULE_PATH).toBe('/usr/share/polkit-1/rules.d/70-chot-pcscd.rules');
    expect(config.deb?.fpm).toContain(`${BLACKLIST}=/etc/modprobe.d/blacklist-chot-nfc.conf`);
  });
});
