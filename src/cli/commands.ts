/**
 * The one table of the data and admin commands: dispatch, help and the completion scripts all read
 * it, so a command added here is routable, documented and completable at once.
 */
import type { Command } from './command.js';
import { CLUSTER_COMMANDS } from './cluster.js';
import { GROUP_COMMANDS } from './group.js';
import { TOPIC_ADMIN_COMMANDS } from './topic.js';
import { consumeCommand } from './topic-consume.js';
import { produceCommand } from './topic-produce.js';

export const COMMANDS: readonly Command[] = [...TOPIC_ADMIN_COMMANDS, consumeCommand, produceCommand, ...GROUP_COMMANDS, ...CLUSTER_COMMANDS];

/** Command groups in the order help lists them, with a line each. */
export const GROUPS: readonly [string, string][] = [
  ['topic', 'create, list, describe, alter, delete topics; produce and consume records'],
  ['group', 'list, describe, seek and delete consumer groups'],
  ['cluster', 'cluster id and brokers, broker configs, log dirs'],
];

/** The command whose words start `argv`, and the arguments after them. */
export function findCommand(argv: readonly string[]): { cmd: Command; rest: string[] } | undefined {
  let best: { cmd: Command; rest: string[] } | undefined;
  for (const cmd of COMMANDS) {
    if (cmd.words.every((w, i) => argv[i] === w) && (best === undefined || cmd.words.length > best.cmd.words.length)) {
      best = { cmd, rest: argv.slice(cmd.words.length) };
    }
  }
  return best;
}
