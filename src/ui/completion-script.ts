/**
 * Shell completion scripts for bash, zsh and fish, generated from the commander program itself (its
 * visible commands, options, choices and arguments), so a new command or flag completes without
 * anyone editing a list. Store IDs come from `kscli __complete-stores`, which answers from a short
 * cache and never waits more than a moment for AWS (workflow/store-id-cache.ts); the scripts pass
 * it the --region, --profile, --endpoint-url and --sandbox already typed on the line.
 */
import type { Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export interface FlagSpec {
  /** --long, or -s when the option has no long form */
  flag: string;
  takesValue: boolean;
  choices: string[];
  description: string;
}

export interface CommandSpec {
  name: string;
  description: string;
  flags: FlagSpec[];
  /** its first argument is a custom key store ID: complete it with the account's stores */
  takesStoreId: boolean;
  /** the fixed values of its first argument (e.g. the shells of `completion`) */
  argumentChoices: string[];
  subcommands: CommandSpec[];
}

export interface CompletionModel {
  globalFlags: FlagSpec[];
  commands: CommandSpec[];
}

function flagSpec(option: Option): FlagSpec {
  return {
    flag: option.long ?? option.short ?? '',
    takesValue: option.required || option.optional,
    choices: option.argChoices ?? [],
    description: option.description,
  };
}

function commandSpec(command: Command): CommandSpec {
  const help = command.createHelp();
  const first = command.registeredArguments[0];
  return {
    name: command.name(),
    description: command.description(),
    flags: help.visibleOptions(command).map(flagSpec),
    takesStoreId: first?.name() === 'storeId',
    argumentChoices: first?.argChoices ?? [],
    subcommands: help
      .visibleCommands(command)
      .filter((c) => c.name() !== 'help')
      .map(commandSpec),
  };
}

/** What the program offers, as its --help shows it (hidden commands and options left out). */
export function completionModel(program: Command): CompletionModel {
  const root = commandSpec(program);
  // a command's own flags only: the global ones (and --help) are offered everywhere anyway
  const global = new Set(root.flags.map((f) => f.flag));
  const own = (c: CommandSpec): CommandSpec => ({
    ...c,
    flags: c.flags.filter((f) => !global.has(f.flag)),
    subcommands: c.subcommands.map(own),
  });
  return { globalFlags: root.flags, commands: root.subcommands.map(own) };
}

export function completionScript(shell: Shell, model: CompletionModel): string {
  if (shell === 'fish') return fishScript(model);
  const bash = bashFunction(model);
  if (shell === 'bash') return `${bash}complete -o default -F _kscli kscli\n`;
  // zsh runs the bash function through its bash completion layer (as the AWS CLI does)
  return `#compdef kscli\n# kscli completion for zsh: eval "$(kscli completion zsh)" in ~/.zshrc\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n${bash}complete -o default -F _kscli kscli\n`;
}

const words = (list: string[]) => list.join(' ');
/** A single-quoted shell word (no interpolation). */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `case` arms giving the choices of each option that has some. */
function choiceArms(flags: FlagSpec[]): string[] {
  return flags
    .filter((f) => f.choices.length)
    .map((f) => `      ${f.flag}) COMPREPLY=($(compgen -W ${quote(words(f.choices))} -- "$cur")); return ;;`);
}

function bashFunction(model: CompletionModel): string {
  const valueFlags = (flags: FlagSpec[]) => flags.filter((f) => f.takesValue).map((f) => f.flag);
  const all = [
    model.globalFlags,
    ...model.commands.flatMap((c) => [c.flags, ...c.subcommands.map((s) => s.flags)]),
  ].flat();
  const arms = model.commands.map((c) => {
    const subs = c.subcommands.map((s) => `        ${s.name}) flags=${quote(words(s.flags.map((f) => f.flag)))} ;;`);
    const lines = [`    ${c.name})`, `      flags=${quote(words(c.flags.map((f) => f.flag)))}`];
    if (c.takesStoreId) lines.push('      store=1');
    if (c.argumentChoices.length) lines.push(`      subs=${quote(words(c.argumentChoices))}`);
    if (c.subcommands.length) {
      lines.push(`      subs=${quote(words(c.subcommands.map((s) => s.name)))}`);
      lines.push('      case "$sub" in', ...subs, '      esac');
    }
    lines.push('      ;;');
    return lines.join('\n');
  });
  return `# kscli completion for bash: eval "$(kscli completion bash)" in ~/.bashrc
_kscli() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmd="" sub="" w i positional=0 store=0 flags="" subs=""
  local value_flags=${quote(words([...new Set(valueFlags(all))]))}
  local -a lookup=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      --region|--profile|--endpoint-url) lookup+=("$w" "\${COMP_WORDS[i+1]}"); ((i++)); continue ;;
      --sandbox) lookup+=("$w"); continue ;;
      -*) [[ " $value_flags " == *" $w "* ]] && ((i++)); continue ;;
    esac
    if [[ -z "$cmd" ]]; then cmd="$w"
    elif [[ "$cmd" == sandbox && -z "$sub" ]]; then sub="$w"
    else ((positional++))
    fi
  done
  case "$prev" in
${choiceArms(all).join('\n')}
  esac
  if [[ " $value_flags " == *" $prev "* ]]; then return; fi
  case "$cmd" in
${arms.join('\n')}
    "")
      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W ${quote(words(model.globalFlags.map((f) => f.flag)))} -- "$cur"))
      else COMPREPLY=($(compgen -W ${quote(words(model.commands.map((c) => c.name)))} -- "$cur"))
      fi
      return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags ${words(model.globalFlags.map((f) => f.flag))}" -- "$cur"))
  elif [[ -n "$subs" && -z "$sub" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  elif [[ "$store" == 1 && "$positional" == 0 ]]; then
    COMPREPLY=($(compgen -W "$(kscli __complete-stores "\${lookup[@]}" 2>/dev/null)" -- "$cur"))
  fi
}
`;
}

function fishScript(model: CompletionModel): string {
  const lines = [
    '# kscli completion for fish: kscli completion fish > ~/.config/fish/completions/kscli.fish',
    'complete -c kscli -f',
    'function __kscli_stores',
    '    set -l tokens (commandline -opc)',
    '    set -l lookup',
    '    for i in (seq (count $tokens))',
    '        switch $tokens[$i]',
    '            case --region --profile --endpoint-url',
    '                set -a lookup $tokens[$i] $tokens[(math $i + 1)]',
    '            case --sandbox',
    '                set -a lookup --sandbox',
    '        end',
    '    end',
    '    kscli __complete-stores $lookup 2>/dev/null',
    'end',
  ];
  const flagLine = (condition: string, f: FlagSpec) => {
    const name = f.flag.startsWith('--') ? `-l ${f.flag.slice(2)}` : `-s ${f.flag.slice(1)}`;
    const value = f.takesValue ? (f.choices.length ? ` -x -a ${quote(words(f.choices))}` : ' -r') : '';
    return `complete -c kscli${condition} ${name}${value} -d ${quote(f.description)}`;
  };
  for (const f of model.globalFlags) lines.push(flagLine('', f));
  const names = words(model.commands.map((c) => c.name));
  for (const c of model.commands) {
    lines.push(
      `complete -c kscli -n "not __fish_seen_subcommand_from ${names}" -a ${c.name} -d ${quote(c.description)}`,
    );
    const seen = ` -n "__fish_seen_subcommand_from ${c.name}"`;
    for (const f of c.flags) lines.push(flagLine(seen, f));
    if (c.takesStoreId) lines.push(`complete -c kscli${seen} -a '(__kscli_stores)' -d 'custom key store'`);
    if (c.argumentChoices.length) lines.push(`complete -c kscli${seen} -a ${quote(words(c.argumentChoices))}`);
    const subs = words(c.subcommands.map((s) => s.name));
    for (const s of c.subcommands) {
      lines.push(
        `complete -c kscli -n "__fish_seen_subcommand_from ${c.name}; and not __fish_seen_subcommand_from ${subs}" -a ${s.name} -d ${quote(s.description)}`,
      );
      for (const f of s.flags)
        lines.push(
          flagLine(` -n "__fish_seen_subcommand_from ${c.name}; and __fish_seen_subcommand_from ${s.name}"`, f),
        );
    }
  }
  return `${lines.join('\n')}\n`;
}
