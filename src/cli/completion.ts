/**
 * `tributary completion bash|zsh`: completion scripts generated from the command table, so they
 * never drift from the commands. They complete command words and each command's --options.
 */
import { COMMON_OPTIONS } from './args.js';
import { COMMANDS } from './commands.js';

const TOP = ['start', 'compat', 'help', 'completion'];

function optionWords(opts: Readonly<Record<string, { type: string; short?: string }>>): string[] {
  const all: Record<string, { type: string; short?: string }> = { ...COMMON_OPTIONS, ...opts };
  return Object.entries(all).flatMap(([name, o]) => [name.length > 1 ? `--${name}` : `-${name}`, ...(o.short !== undefined && o.short !== name ? [`-${o.short}`] : [])]);
}

/** "prefix words" → the words that may follow them. */
function table(): Map<string, string[]> {
  const next = new Map<string, Set<string>>();
  const add = (k: string, w: string): void => void next.set(k, (next.get(k) ?? new Set()).add(w));
  for (const w of TOP) add('', w);
  for (const c of COMMANDS) {
    c.words.forEach((w, i) => add(c.words.slice(0, i).join(' '), w));
    for (const o of optionWords(c.options)) add(c.words.join(' '), o);
  }
  add('completion', 'bash');
  add('completion', 'zsh');
  return new Map([...next].map(([k, v]) => [k, [...v]]));
}

/** A case pattern of every command-word prefix: the completion stops at the first other word (a positional). */
function knownKeys(): string {
  return [...table().keys()].filter((k) => k !== '').map((k) => `"${k}"`).join('|');
}

function caseArms(indent: string): string {
  return [...table()].map(([k, ws]) => `${indent}"${k}") words="${ws.join(' ')}" ;;`).join('\n');
}

/** The words typed so far that are command words (not options or their values), as a key of the table. */
const BASH = (): string => `# tributary bash completion: eval "$(tributary completion bash)"
_tributary() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" key="" w words i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${key:+$key }\${COMP_WORDS[i]}"
    case "$w" in ${knownKeys()}) key="$w" ;; *) break ;; esac
  done
  case "$key" in
${caseArms('    ')}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _tributary tributary
`;

const ZSH = (): string => `#compdef tributary
# tributary zsh completion: eval "$(tributary completion zsh)" (after compinit)
_tributary() {
  local key="" w i
  for ((i = 2; i < CURRENT; i++)); do
    w="\${key:+$key }\${words[i]}"
    case "$w" in ${knownKeys()}) key="$w" ;; *) break ;; esac
  done
  local -a opts
  case "$key" in
${caseArms('    ').replace(/words="([^"]*)"/g, 'opts=($1)')}
    *) opts=() ;;
  esac
  (( \${#opts} )) && compadd -- $opts || _files
}
compdef _tributary tributary
`;

export function completionScript(shell: string): string | undefined {
  if (shell === 'bash') return BASH();
  if (shell === 'zsh') return ZSH();
  return undefined;
}
