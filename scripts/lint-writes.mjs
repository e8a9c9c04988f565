#!/usr/bin/env node
/**
 * One way to write (issue 12): every write to the database goes through the store's unit of work
 * (src/store/unit-of-work.ts), which joins the batch's group commit, takes the write lock up front
 * and answers a busy database with 503. This lint refuses the ways around it:
 *
 * - Outside src/store/, no transactions of one's own: better-sqlite3's `transaction`/`exec`/
 *   `pragma`, drizzle's `transaction`, nor SQL text that begins, ends or nests one.
 * - Outside src/store/ and the store's SQLite implementations (a `sqlite/` folder beside the
 *   interfaces they implement, src/persistence/), no write statements at all: `.run()` on a statement or a drizzle query,
 *   drizzle's `insert`/`update`/`delete`, `prepare()` of INSERT/UPDATE/DELETE/REPLACE/DDL text.
 *   Implementations write only inside `store.writes.write(…)`, and the contract tests
 *   (test/contract/) check that each write is atomic with its events.
 *
 * Calls are recognised by the declaration of the method called (the TypeScript type checker says
 * whether `x.run` is better-sqlite3's or drizzle's), so a RegExp's `exec` or a Map's `delete`
 * pass. SQL text is recognised when it is a literal (or a template's fixed head).
 *
 * Usage: node scripts/lint-writes.mjs [file.ts …]   (default: every .ts file under src/)
 * Prints `path:line:column  reason` per refusal and exits 1 when there is any.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The store itself: the only place that begins, commits or configures. */
const STORE = /^src\/store\//;
/** The store's SQLite implementations: write statements allowed, run inside store.writes.write(…). */
const SQLITE_FOLDER = /^src\/(?:.+\/)?sqlite\//;

const SQLITE_DRIVER = /[\\/]node_modules[\\/](?:@types[\\/])?better-sqlite3[\\/]/;
const DRIZZLE = /[\\/]node_modules[\\/]drizzle-orm[\\/]/;

/** Methods that control transactions or the connection: the store's alone. */
const DRIVER_CONTROL = new Set(['transaction', 'exec', 'pragma', 'backup', 'loadExtension', 'unsafeMode']);
const DRIZZLE_CONTROL = new Set(['transaction']);
/** Methods that write. */
const DRIVER_WRITES = new Set(['run']);
const DRIZZLE_WRITES = new Set(['insert', 'update', 'delete', 'run']);

const CONTROL_SQL = /^(?:BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|VACUUM|ATTACH|DETACH)\b/i;
const WRITE_SQL = /^(?:INSERT|UPDATE|DELETE|REPLACE|UPSERT|CREATE|DROP|ALTER|REINDEX|ANALYZE)\b/i;
const WRITE_IN_WITH = /\b(?:INSERT|UPDATE|DELETE|REPLACE)\b/i;

function zoneOf(path) {
  if (STORE.test(path)) return 'store';
  if (SQLITE_FOLDER.test(path)) return 'implementation';
  return 'elsewhere';
}

function sourceFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

function compilerOptions() {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options;
}

/** The SQL text at the start of a literal, without leading comments; undefined when not a literal. */
function sqlHead(node) {
  let text;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
  else if (ts.isTemplateExpression(node)) text = node.head.text;
  else return undefined;
  return text.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
}

/** Which library declares the method called: 'driver' (better-sqlite3), 'drizzle', or undefined. */
function libraryOf(checker, name) {
  const symbol = checker.getSymbolAtLocation(name);
  const declarations = symbol?.declarations ?? [];
  for (const declaration of declarations) {
    const file = declaration.getSourceFile().fileName;
    if (SQLITE_DRIVER.test(file)) return 'driver';
    if (DRIZZLE.test(file)) return 'drizzle';
  }
  return undefined;
}

function refusalsIn(sourceFile, checker, zone) {
  const refusals = [];
  const refuse = (node, reason) => {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    refusals.push({ line: line + 1, column: character + 1, reason });
  };
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const library = libraryOf(checker, node.expression.name);
      if (library === 'driver' && DRIVER_CONTROL.has(method)) {
        refuse(node, `better-sqlite3 .${method}() outside src/store/: transactions and connection settings are the store's; write through store.writes.write(…)`);
      } else if (library === 'drizzle' && DRIZZLE_CONTROL.has(method)) {
        refuse(node, `drizzle .${method}() outside src/store/: write through store.writes.write(…)`);
      } else if (zone === 'elsewhere' && library === 'driver' && DRIVER_WRITES.has(method)) {
        refuse(node, `write statement .${method}() outside the store: put it in a store implementation (a sqlite/ folder) and run it inside store.writes.write(…)`);
      } else if (zone === 'elsewhere' && library === 'drizzle' && DRIZZLE_WRITES.has(method)) {
        refuse(node, `drizzle .${method}() outside the store: put it in a store implementation (a sqlite/ folder) and run it inside store.writes.write(…)`);
      } else if (method === 'prepare' && library === 'driver' && node.arguments.length > 0) {
        const head = sqlHead(node.arguments[0]);
        if (head !== undefined && CONTROL_SQL.test(head)) {
          refuse(node, `SQL "${head.split(/\s/)[0]}" outside src/store/: transactions and connection settings are the store's; write through store.writes.write(…)`);
        } else if (zone === 'elsewhere' && head !== undefined && (WRITE_SQL.test(head) || (/^WITH\b/i.test(head) && WRITE_IN_WITH.test(head)))) {
          refuse(node, `write statement "${head.split(/\s/)[0]}" prepared outside the store: put it in a store implementation (a sqlite/ folder) and run it inside store.writes.write(…)`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return refusals;
}

export function lintWrites(files) {
  const program = ts.createProgram(files, compilerOptions());
  const checker = program.getTypeChecker();
  const found = [];
  for (const file of files) {
    const sourceFile = program.getSourceFile(file);
    if (sourceFile === undefined) throw new Error(`cannot read ${file}`);
    const path = relative(ROOT, file).split(sep).join('/');
    const zone = zoneOf(path);
    if (zone === 'store') continue;
    for (const refusal of refusalsIn(sourceFile, checker, zone)) found.push({ path, ...refusal });
  }
  return found;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const named = process.argv.slice(2).map((file) => resolve(file));
  const files = named.length > 0 ? named : sourceFiles(join(ROOT, 'src'));
  const refusals = lintWrites(files);
  for (const r of refusals) console.error(`${r.path}:${r.line}:${r.column}  ${r.reason}`);
  if (refusals.length > 0) {
    console.error(`lint-writes: ${refusals.length} write(s) outside the unit of work (src/store/unit-of-work.ts)`);
    process.exit(1);
  }
  console.log(`lint-writes: ${files.length} files, every write goes through the store's unit of work`);
}
