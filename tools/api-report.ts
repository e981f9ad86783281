// `npm run api:report` writes docs/api/report.md: every subpath the package exports (from
// package.json's `exports`), and under it every exported name with its kind and declared type,
// as the TypeScript compiler sees the sources — sorted, one stable text. `npm run api:check`
// (CI) regenerates it in memory and exits 1 with a line diff when the checked-in report
// differs, so a change to the public surface is visible in review: run `npm run api:report`
// and commit the report with the change.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
/** Where the report lives, relative to the repository. */
export const REPORT_PATH = 'docs/api/report.md';

const FORMAT =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType |
  ts.TypeFormatFlags.WriteArrowStyleSignature;
const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** The subpaths of package.json's `exports`, each with the source file it is built from. */
export function entryPoints(root: string): { specifier: string; file: string }[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  return Object.keys(manifest.exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => ({
      specifier: subpath === '.' ? 'noclobber' : `noclobber/${subpath.slice(2)}`,
      file: join(root, 'src', subpath === '.' ? 'index.ts' : `${subpath.slice(2)}.ts`),
    }))
    .sort((a, b) => a.specifier.localeCompare(b.specifier));
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** A declaration node as source text without comments or bodies (interfaces and type aliases). */
function printed(node: ts.Node): string {
  return printer.printNode(ts.EmitHint.Unspecified, node, node.getSourceFile()).replace(/^export (declare )?/, '');
}

function typeParams(decl: ts.Declaration): string {
  const params = (decl as { typeParameters?: ts.NodeArray<ts.TypeParameterDeclaration> }).typeParameters;
  return params?.length ? `<${params.map((p) => oneLine(printed(p))).join(', ')}>` : '';
}

/** Public members of a class: constructor, instance and static properties and methods; never `#private` ones. */
function classText(checker: ts.TypeChecker, name: string, symbol: ts.Symbol, decl: ts.ClassDeclaration): string {
  const heritage = (decl.heritageClauses ?? []).map((h) => ` ${oneLine(printed(h))}`).join('');
  const lines: string[] = [];
  const staticType = checker.getTypeOfSymbolAtLocation(symbol, decl);
  for (const sig of staticType.getConstructSignatures()) {
    const params = sig.getParameters().map((p) => parameterText(checker, p, decl));
    lines.push(`constructor(${params.join(', ')});`);
  }
  const member = (prop: ts.Symbol, prefix: string) => {
    // Members declared here (inherited ones show through `extends`), never `#private` ones.
    const d = prop.declarations?.find((m) => m.parent === decl || (ts.isParameter(m) && m.parent.parent === decl));
    if (!d || prop.getName() === 'prototype') return;
    const modifiers = ts.getCombinedModifierFlags(d);
    const key = (d as { name?: ts.Node }).name;
    if (!key || ts.isPrivateIdentifier(key) || modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected))
      return;
    const name = key.getText();
    const type = checker.getTypeOfSymbolAtLocation(prop, decl);
    if (ts.isMethodDeclaration(d)) {
      for (const sig of type.getCallSignatures())
        lines.push(
          `${prefix}${name}${checker.signatureToString(sig, decl, FORMAT & ~ts.TypeFormatFlags.WriteArrowStyleSignature)};`,
        );
      return;
    }
    const readonly =
      modifiers & ts.ModifierFlags.Readonly || (ts.isGetAccessor(d) && !prop.declarations?.some(ts.isSetAccessor))
        ? 'readonly '
        : '';
    const optional = prop.flags & ts.SymbolFlags.Optional ? '?' : '';
    lines.push(`${prefix}${readonly}${name}${optional}: ${checker.typeToString(type, decl, FORMAT)};`);
  };
  for (const prop of checker.getPropertiesOfType(staticType)) member(prop, 'static ');
  for (const prop of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) member(prop, '');
  const abstract = ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Abstract ? 'abstract ' : '';
  return [`${abstract}class ${name}${typeParams(decl)}${heritage} {`, ...lines.map((l) => `  ${l}`), '}'].join('\n');
}

function parameterText(checker: ts.TypeChecker, p: ts.Symbol, at: ts.Node): string {
  const d = p.valueDeclaration as ts.ParameterDeclaration | undefined;
  const rest = d?.dotDotDotToken ? '...' : '';
  const optional = d && (d.questionToken || d.initializer) ? '?' : '';
  return `${rest}${p.getName()}${optional}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(p, d ?? at), at, FORMAT)}`;
}

/** One exported name: its kind and declared type, as one block of text. */
function entryText(checker: ts.TypeChecker, name: string, exported: ts.Symbol): string {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  // A class (or other value) exported as a type only: named, never constructed, by users.
  const typeOnly = exported.declarations?.some((d) => ts.isTypeOnlyImportOrExportDeclaration(d))
    ? '/* type only */ '
    : '';
  const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
  if (!decl) return `${typeOnly}unknown ${name}`;
  if (ts.isClassDeclaration(decl)) return typeOnly + classText(checker, name, symbol, decl);
  if (ts.isFunctionDeclaration(decl)) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
    return type
      .getCallSignatures()
      .map(
        (sig) =>
          `${typeOnly}function ${name}${checker.signatureToString(sig, decl, FORMAT & ~ts.TypeFormatFlags.WriteArrowStyleSignature)};`,
      )
      .join('\n');
  }
  if (ts.isVariableDeclaration(decl)) {
    const keyword = ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const ? 'const' : 'let';
    return `${typeOnly}${keyword} ${name}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, decl), decl, FORMAT)};`;
  }
  if (ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl) || ts.isEnumDeclaration(decl)) {
    return printed(decl).replace(/^(interface|type|enum) \w+/, (m) => m.replace(/\w+$/, name));
  }
  return `${typeOnly}${ts.SyntaxKind[decl.kind]} ${name}`;
}

/** The report: per subpath, every export sorted by name. */
export function apiReport(root: string = repo): string {
  const entries = entryPoints(root);
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!parsed) throw new Error('tsconfig.json could not be read');
  const program = ts.createProgram(
    entries.map((e) => e.file),
    { ...parsed.options, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const out = [
    '# Public API report',
    '',
    'Generated by `npm run api:report` (tools/api-report.ts) from the sources of every subpath in',
    "package.json's `exports`; CI fails when it differs from the sources (`npm run api:check`).",
    'Do not edit by hand: a change here is a change to what users can import.',
  ];
  for (const { specifier, file } of entries) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${relative(root, file)}: no module (is the subpath's source missing?)`);
    const exports = checker
      .getExportsOfModule(moduleSymbol)
      .sort((a, b) => (a.getName() < b.getName() ? -1 : a.getName() > b.getName() ? 1 : 0));
    out.push('', `## \`${specifier}\``, '', `${exports.length} names, from \`${relative(root, file)}\`.`, '', '```ts');
    // A type not in scope where it is used prints as import("/abs/path").Name: keep the name only.
    for (const e of exports) out.push(entryText(checker, e.getName(), e).replace(/import\("[^"]*"\)\./g, ''));
    out.push('```');
  }
  return `${out.join('\n')}\n`;
}

/**
 * The differing lines of two texts as a unified-style diff (`-` expected, `+` actual, with
 * up to two lines of context), or '' when they are equal.
 */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  const at = (i: number, j: number) => common[i]?.[j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    const row = common[i] as number[];
    for (let j = b.length - 1; j >= 0; j--)
      row[j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
  }
  const ops: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || at(i, j + 1) >= at(i + 1, j))) {
      ops.push(`+ ${b[j]}`);
      j++;
    } else {
      ops.push(`- ${a[i]}`);
      i++;
    }
  }
  const changed = ops.flatMap((line, k) => (line.startsWith(' ') ? [] : [k]));
  if (changed.length === 0) return '';
  const shown = new Set(changed.flatMap((k) => [k - 2, k - 1, k, k + 1, k + 2]));
  const lines: string[] = [];
  ops.forEach((line, k) => {
    if (!shown.has(k)) return;
    if (lines.length > 0 && !shown.has(k - 1)) lines.push('…');
    lines.push(line);
  });
  return lines.join('\n');
}

function main(args: readonly string[]): number {
  const at = args.indexOf('--report');
  const path = resolve(repo, at >= 0 ? (args[at + 1] ?? REPORT_PATH) : REPORT_PATH);
  const report = apiReport();
  if (!args.includes('--check')) {
    writeFileSync(path, report);
    process.stdout.write(`api-report: wrote ${relative(repo, path)}\n`);
    return 0;
  }
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    process.stdout.write(`api-report: ${relative(repo, path)} is missing: run npm run api:report and commit it\n`);
    return 1;
  }
  const diff = lineDiff(committed, report);
  if (!diff) {
    process.stdout.write(`api-report: ${relative(repo, path)} matches the sources\n`);
    return 0;
  }
  process.stdout.write(
    `api-report: the public API differs from ${relative(repo, path)} (- committed, + sources).\n` +
      'If the change is intended, run `npm run api:report` and commit the report with it.\n' +
      `${diff}\n`,
  );
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exit(main(process.argv.slice(2)));
