// A local ESLint rule for the layer table of docs/architecture.md. Chốt imports its own code
// by relative path only, so a layer is the first folder of the resolved path: no module
// resolver is needed (eslint-plugin-import-x pulled in native resolver bindings that the
// package registry available to CI does not fully carry, which broke `npm ci`).
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));

function isNodeBuiltin(specifier) {
  return specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]);
}

function matchesPackage(specifier, pattern) {
  return pattern.endsWith('/*') ? specifier.startsWith(pattern.slice(0, -1)) : specifier === pattern || specifier.startsWith(`${pattern}/`);
}

function layerOf(root, file, layers) {
  const rel = relative(root, file);
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  const top = rel.split(sep)[0];
  return layers.includes(top) ? top : null;
}

/**
 * @param {{ root: string, mayImport: Record<string, string[]>, noIo: string[], ioPackages: string[] }} options
 */
export function layerBoundariesPlugin(options) {
  const layers = Object.keys(options.mayImport);
  const rule = {
    meta: { type: 'problem', docs: { description: 'enforce the layer table of docs/architecture.md' }, schema: [] },
    create(context) {
      const fileLayer = layerOf(options.root, context.filename, layers);
      if (fileLayer === null) return {};
      const check = (node) => {
        const source = node.source;
        if (source == null || source.type !== 'Literal' || typeof source.value !== 'string') return;
        const specifier = source.value;
        if (specifier.startsWith('.')) {
          const targetLayer = layerOf(options.root, resolve(dirname(context.filename), specifier), layers);
          if (targetLayer === null || targetLayer === fileLayer) return;
          if (!options.mayImport[fileLayer].includes(targetLayer)) {
            context.report({
              node: source,
              message: `the ${fileLayer} layer may not import the ${targetLayer} layer (may import: ${options.mayImport[fileLayer].join(', ') || 'only itself'}; see docs/architecture.md)`,
            });
          }
          return;
        }
        if (!options.noIo.includes(fileLayer)) return;
        if (isNodeBuiltin(specifier)) {
          context.report({ node: source, message: `the ${fileLayer} layer may not use Node modules (${specifier}): it does no I/O` });
        } else if (options.ioPackages.some((pattern) => matchesPackage(specifier, pattern))) {
          context.report({ node: source, message: `the ${fileLayer} layer may not use the I/O package ${specifier}` });
        }
      };
      return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
    },
  };
  return { rules: { 'layer-boundaries': rule } };
}
