/**
 * `tributary help [<command>...]`, `tributary <command> --help`: usage, options and examples from
 * the command table (commands.ts).
 */
import type { Command } from './command.js';
import { COMMANDS, GROUPS } from './commands.js';
import { bold } from './output.js';

export const COMMON_HELP = `Every command takes:
  -b, --brokers HOST:PORT,...  bootstrap brokers (default: $TRIBUTARY_BROKERS, the profile's
                               brokers=, then 127.0.0.1:9092)
  -X key=value                 a client property: client.id, request.timeout.ms, security.protocol
  --json                       JSON output for scripts
  -h, --help                   this help
Profile: $TRIBUTARY_PROFILE, default ~/.config/tributary/profile.properties (brokers=, -X keys).
Exit codes: 0 done, 1 an operation failed (Kafka's error name and message), 2 usage.`;

export function overview(): string {
  const lines = [
    `${bold('Usage:')} tributary <command> [options]`,
    '',
    'Broker:',
    '  start                        run a Tributary node (tributary start --help)',
    '  compat                       the Kafka client compatibility suites (tributary compat --help)',
    '',
    'Client commands (any Kafka-compatible endpoint):',
  ];
  for (const cmd of COMMANDS) lines.push(`  ${cmd.words.join(' ').padEnd(28)} ${cmd.summary}`);
  lines.push('', '  help <command>               usage, options and examples of a command',
    '  completion bash|zsh          a shell completion script (eval "$(tributary completion bash)")', '', COMMON_HELP);
  return lines.join('\n');
}

export function usageLine(cmd: Command): string {
  return `Usage: tributary ${cmd.words.join(' ')} ${cmd.usage}`;
}

export function commandHelp(cmd: Command): string {
  const parts = [`${usageLine(cmd)}`, '', cmd.summary[0]?.toUpperCase() + cmd.summary.slice(1) + '.'];
  if (cmd.details !== '') parts.push('', 'Options:', cmd.details);
  parts.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`), '', COMMON_HELP);
  return parts.join('\n');
}

/** Help for `words` (a command, or a group of commands); undefined when nothing matches. */
export function helpFor(words: readonly string[]): string | undefined {
  const exact = COMMANDS.find((c) => c.words.join(' ') === words.join(' '));
  if (exact !== undefined) return commandHelp(exact);
  const under = COMMANDS.filter((c) => words.every((w, i) => c.words[i] === w));
  if (words.length === 0 || under.length === 0) return undefined;
  const title = GROUPS.find(([g]) => g === words[0])?.[1];
  return [`${bold('Usage:')} tributary ${words.join(' ')} <command>`, ...(title === undefined ? [] : ['', title[0]?.toUpperCase() + title.slice(1) + '.']), '',
    ...under.map((c) => `  ${c.words.join(' ').padEnd(28)} ${c.summary}`), '', `tributary help ${words.join(' ')} <command> for its options and examples.`].join('\n');
}
