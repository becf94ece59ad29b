// Types for scripts/system-deps.mjs (plain JavaScript, so it runs before anything is built).
export interface SystemPackage {
  readonly name: string;
  readonly needs: string;
  readonly probe?: { readonly command?: string; readonly env?: string; readonly postgres?: boolean };
}
export function systemPackages(): SystemPackage[];
export function missingPackages(packages: readonly SystemPackage[], env?: NodeJS.ProcessEnv): SystemPackage[];
export function installCommand(names: readonly string[], asRoot: boolean): string;
export function missingMessage(missing: readonly SystemPackage[], asRoot: boolean): string;
