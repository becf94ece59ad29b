import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { layoutForVendor } from '../../../../drivers/hid-pos/report-layouts.js';
import { repoRoot } from '../../../support/kiosk-process.js';

/**
 * The udev rule is what makes the HID drivers work for a non-root kiosk user: a packaging
 * slip (a renamed file, a vendor added to the driver but not to the rule) shows up as
 * "open-failed" on a kiosk in the field, so it is checked here.
 */
const root = repoRoot();
const RULES_PATH = 'packaging/udev/70-chot.rules';
const rules = readFileSync(join(root, RULES_PATH), 'utf8');
const ruleLines = rules.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));

interface LinuxPackaging {
  readonly linux: { readonly extraResources?: readonly { from: string; to: string }[] };
  readonly deb?: { readonly fpm?: readonly string[] };
}

describe('packaging/udev/70-chot.rules', () => {
  it('sorts before 73-seat-late.rules, or TAG+="uaccess" would have no effect', () => {
    expect(Number(/(\d+)-chot\.rules$/.exec(RULES_PATH)?.[1])).toBeLessThan(73);
  });

  it('opens hidraw of every scanner vendor the HID-POS driver has a layout for', () => {
    for (const vendor of ['0c2e', '1eab']) {
      expect(layoutForVendor(Number.parseInt(vendor, 16)).name).not.toBeUndefined();
      expect(ruleLines.some((line) => line.includes(`ATTRS{idVendor}=="${vendor}"`) && line.includes('TAG+="uaccess"'))).toBe(true);
    }
  });

  it('opens the HID relay boards by ids and product string, not every V-USB device', () => {
    const relay = ruleLines.find((line) => line.includes('ATTRS{idVendor}=="16c0"'));
    expect(relay).toContain('ATTRS{idProduct}=="05df"');
    expect(relay).toContain('ATTRS{product}=="USBRelay[1-8]"');
  });

  it('applies to hidraw nodes only, and grants group plugdev as well as the seat user', () => {
    expect(ruleLines).toContain('SUBSYSTEM!="hidraw", GOTO="chot_end"');
    for (const line of ruleLines.filter((candidate) => candidate.includes('ATTRS{idVendor}'))) {
      expect(line).toContain('MODE="0660", GROUP="plugdev", TAG+="uaccess"');
    }
  });

  it('ships in every Linux package, and the deb installs it where udev reads it', () => {
    const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as LinuxPackaging;
    expect(config.linux.extraResources).toContainEqual({ from: RULES_PATH, to: 'udev/70-chot.rules' });
    expect(config.deb?.fpm).toContain(`${RULES_PATH}=/usr/lib/udev/rules.d/70-chot.rules`);
  });
});
