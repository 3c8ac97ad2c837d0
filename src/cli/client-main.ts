/**
 * Dispatch of everything but `start` and `compat`: the client commands from the table, `help`,
 * `completion`, and --help on any of them. An unknown command is a usage error (exit 2) that lists
 * what there is.
 */
import { parse, UsageError } from './args.js';
import { runCommand } from './command.js';
import { findCommand } from './commands.js';
import { completionScript } from './completion.js';
import { commandHelp, helpFor, overview, usageLine } from './help.js';
import { stdout } from './output.js';

/**
 * `tributary -b host:9092 topic list` as well as `tributary topic list -b host:9092`: the options
 * every command takes may come before the command words; they move behind them.
 */
function hoistCommonOptions(argv: readonly string[]): string[] {
  const leading: string[] = [];
  let i = 0;
  for (; i < argv.length && (argv[i] ?? '').startsWith('-') && argv[i] !== '-h' && argv[i] !== '--help'; i++) {
    const a = argv[i] as string;
    leading.push(a);
    if ((a === '-b' || a === '--brokers' || a === '-X') && i + 1 < argv.length) leading.push(argv[++i] as string);
  }
  return [...argv.slice(i), ...leading];
}

export async function clientMain(original: readonly string[]): Promise<number> {
  const argv = hoistCommonOptions(original);
  const [first, ...rest] = argv;
  if (first === 'help') {
    // The command words: options after them (-b …) change nothing about the help.
    const firstOption = rest.findIndex((w) => w.startsWith('-'));
    const words = firstOption < 0 ? rest : rest.slice(0, firstOption);
    if (words.length === 0) return print(overview());
    const h = helpFor(words);
    if (h === undefined) return usage(`no command '${words.join(' ')}'`);
    return print(h);
  }
  if (first === 'completion') {
    const script = completionScript(rest[0] ?? '');
    if (script === undefined || rest.length !== 1) return usage('completion takes bash or zsh');
    stdout.write(script);
    return 0;
  }
  const found = findCommand(argv);
  if (found === undefined) {
    const group = helpFor(argv.slice(0, 1));
    if (group !== undefined && (argv.length === 1 || argv.includes('--help') || argv.includes('-h'))) return print(group);
    return usage(group === undefined ? `unknown command '${first ?? ''}'` : `unknown command '${argv.slice(0, 2).join(' ')}'\n\n${group}`);
  }
  const { cmd, rest: args } = found;
  let parsed;
  try {
    parsed = parse(args, cmd.options);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`tributary: ${e.message}\n${usageLine(cmd)}\n(tributary help ${cmd.words.join(' ')})\n`);
    return 2;
  }
  if (parsed.values['help'] === true) return print(commandHelp(cmd));
  return runCommand(cmd, parsed, () => `${usageLine(cmd)}\n(tributary help ${cmd.words.join(' ')})`);
}

function print(text: string): number {
  stdout.write(text + '\n');
  return 0;
}

function usage(message: string): number {
  process.stderr.write(`tributary: ${message}\n(tributary help lists the commands)\n`);
  return 2;
}
