// The layer rule of architecture.md section 2, for static imports, re-exports AND dynamic import():
// ESLint's no-restricted-imports sees only the first two, and kscli loads most of its code with
// import() (the run code of every command). Options: [{ from: string, message: string }] where
// `from` is a regular expression tested against the import's target: a path relative to the
// project root for relative imports ("src/ui/render/output.js"), else the package name as written.
// `typesAllowed: true` lets `import type` / `export type` through: they vanish at run time, so a rule
// about what a module LOADS (src/input on the --help path) need not forbid sharing a type.
import { dirname, relative, resolve } from 'node:path';

/** @type {import('eslint').Rule.RuleModule} */
export const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'layer rules: what a folder of src/ may import (import, export from, import())' },
    schema: [
      {
        type: 'array',
        items: {
          type: 'object',
          properties: { from: { type: 'string' }, message: { type: 'string' }, typesAllowed: { type: 'boolean' } },
          required: ['from', 'message'],
          additionalProperties: false,
        },
      },
    ],
  },
  create(context) {
    const rules = (context.options[0] ?? []).map((r) => ({
      re: new RegExp(r.from),
      message: r.message,
      typesAllowed: r.typesAllowed === true,
    }));
    const file = context.filename;
    const root = context.cwd;
    function check(node, source) {
      const typeOnly = node.importKind === 'type' || node.exportKind === 'type';
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const spec = source.value;
      const target = spec.startsWith('.')
        ? relative(root, resolve(dirname(file), spec))
            .split('\\')
            .join('/')
        : spec;
      for (const r of rules) {
        if (r.re.test(target) && !(typeOnly && r.typesAllowed))
          context.report({ node: source, message: `${r.message} (imports ${spec})` });
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};

export default { rules: { layers } };
