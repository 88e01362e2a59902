/** The `jardam` command line. Commands are small modules; this file only dispatches. */
import { PROJECT_ROOT } from '../kb/load.js';
import { failures, formatReport, readEvalSet, scoreEvalSet } from '../eval/score.js';
import { runBatch, toBatchOutput } from './batch.js';
import { renderReply, runChat } from './chat.js';
import { runCoverage } from './kb-coverage.js';
import { runServe } from './serve.js';
import { runTune } from './tune.js';
import { runTelegramSetup } from './telegram-setup.js';
import { runValidate } from './kb-validate.js';
import { runKbExport, runKbImport } from './kb-sheet.js';
import { runAccount } from './accounts.js';
import { runForget } from './forget.js';
import { runGaps, runStats } from './reports.js';
import { loadEngineOrExplain } from './load-engine.js';
import { parseCommon, UsageError } from './options.js';
import { join } from 'node:path';

const USAGE = `Usage: jardam <command> [options]

Commands:
  serve                        start the server: web chat, and Telegram/WhatsApp when configured (npm start)
  telegram setup               register the Telegram webhook and command menu (uses the same environment)
  chat                         talk to Jardam in the terminal
  ask "text"                   answer one message (--json for the batch format)
  batch                        JSON lines on stdin → one JSON line per input on stdout
  kb validate                  check the knowledge base (exit 1 on any error)
  kb coverage                  topics × languages, and entries that fall short (exit 1 if a topic has no entry)
  kb export --format csv|xlsx [--out FILE]
                               every user-facing text in one sheet for translators (CSV to stdout without --out)
  kb import FILE [--dry-run]   a translated .csv/.xlsx back into the files: lists the changes, writes only if all stays valid
  kb gaps [--csv] [--since YYYY-MM-DD]
                               unanswered and 👎 questions grouped by similarity and language, with counts
  stats [--csv] [--since YYYY-MM-DD]
                               questions per topic, language, country, channel and week; answer/fallback/👍 rates
  account add NAME --role caseworker|admin [--telegram ID]
                               create a console account (password read from stdin); account list; account remove NAME
  forget CHANNEL:ID            delete everything stored about one person (telegram:123…, whatsapp:+996…, web:…)
  eval [file.jsonl]            score the engine on an evaluation set (default tests/eval/dev.jsonl)
  tune [file.jsonl]            grid-search the decision weights on an evaluation set (prints the best)

Options:
  --lang fr|ru|ky              the user's stored language (used when the text is ambiguous)
  --country KZ|KG|RU|OTHER     the user's stored country
  --json                       machine-readable output (ask, kb validate, kb coverage, eval)
  --root DIR                   project folder holding knowledge/, intents/, locales/`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'chat':
      case 'ask':
      case 'batch':
      case 'eval':
        return await runEngineCommand(command, rest);
      case 'tune':
        return runTune(rest);
      case 'stats':
        return await runStats(rest);
      case 'account':
        return await runAccount(rest);
      case 'forget':
        return await runForget(rest);
      case 'serve':
        return await runServe(parseCommon(rest).options.root);
      case 'telegram': {
        const [sub, ...args] = rest;
        if (sub !== 'setup') throw new UsageError(`unknown telegram command "${sub ?? ''}"`);
        return await runTelegramSetup(parseCommon(args).options.root);
      }
      case 'kb': {
        const [sub, ...args] = rest;
        // export/import take their own options (--format, --out, --dry-run).
        if (sub === 'export') return await runKbExport(args);
        if (sub === 'import') return await runKbImport(args);
        if (sub === 'gaps') return await runGaps(args);
        const { options } = parseCommon(args);
        if (sub === 'validate') return runValidate(options.root, options.json ?? false);
        if (sub === 'coverage') return runCoverage(options.root, options.json ?? false);
        throw new UsageError(`unknown kb command "${sub ?? ''}"`);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`jardam: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}

async function runEngineCommand(command: 'chat' | 'ask' | 'batch' | 'eval', args: string[]): Promise<number> {
  const { options, positionals } = parseCommon(args);
  const engine = loadEngineOrExplain(options.root);
  if (!engine) return 1;
  const session = { ...(options.lang ? { lang: options.lang } : {}), ...(options.country ? { country: options.country } : {}) };
  if (command === 'chat') return runChat(engine, session);
  if (command === 'batch') return runBatch(engine, session);
  if (command === 'ask') {
    const text = positionals.join(' ');
    if (text.trim() === '') throw new UsageError('ask needs the text of a message');
    const { reply } = engine.turn({ text }, session);
    console.log(options.json ? JSON.stringify(toBatchOutput('ask', reply)) : renderReply(engine, reply));
    return 0;
  }
  const file = positionals[0] ?? join(options.root ?? PROJECT_ROOT, 'tests/eval/dev.jsonl');
  const report = scoreEvalSet(engine, readEvalSet(file));
  if (options.json) {
    console.log(JSON.stringify({ byLang: report.byLang, all: report.all, misses: report.misses.length }, null, 2));
  } else {
    console.log(formatReport(report));
    if (report.misses.length > 0) {
      console.log(`\nMisses (${report.misses.length}):`);
      for (const m of report.misses) console.log(`  ${m.item.id} [${m.item.style ?? ''}] "${m.item.text}" → ${m.got}; expected ${JSON.stringify(m.item.expect)}`);
    }
  }
  const failed = failures(report);
  for (const f of failed) console.error(`below threshold: ${f}`);
  return failed.length === 0 ? 0 : 1;
}
