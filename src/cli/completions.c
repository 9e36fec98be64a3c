#include "cli/completions.h"
#include "cli/cli.h"
#include "cli/parse.h"

#include <ctype.h>
#include <string.h>

enum value_kind {
  VALUE_NONE, /* a flag: no value */
  VALUE_FREE, /* a value nothing can suggest (a number, KEY=VALUE) */
  VALUE_WORDS,
  VALUE_FILES,
  VALUE_DIRS,
};

/* What follows the option; for VALUE_WORDS the words, space-separated, in
 * words[0..size). */
static enum value_kind option_value(const struct opt_spec *o, char *words, size_t size)
{
  if (o->type == OPT_BOOL)
    return VALUE_NONE;
  if (opt_fixed_values(o, words, size))
    return VALUE_WORDS;
  const char *m = o->metavar ? o->metavar : "";
  if (strcmp(m, "DIR") == 0)
    return VALUE_DIRS;
  if (strcmp(m, "FILE") == 0 || strcmp(m, "PATH") == 0)
    return VALUE_FILES;
  return VALUE_FREE;
}

enum positional_kind {
  POS_NONE,
  POS_CONTAINER,
  POS_SIGNAL,
  POS_COMMAND,
};

static const char signal_names[] = "TERM KILL HUP INT QUIT USR1 USR2 STOP CONT WINCH";

/* The n-th (0-based) argument after cmd's options, from its usage line. */
static enum positional_kind positional(const struct cli_command *cmd, unsigned n)
{
  if (strcmp(cmd->name, "help") == 0)
    return n == 0 ? POS_COMMAND : POS_NONE;
  if (strncmp(cmd->usage, "<container-id>", 14) != 0)
    return POS_NONE;
  if (n == 0)
    return POS_CONTAINER;
  return n == 1 && strcmp(cmd->name, "kill") == 0 ? POS_SIGNAL : POS_NONE;
}

/* Options as (table, count) pairs: the globals, or a command's. */
static void options_of(const struct cli_command *cmd, const struct opt_spec **specs, size_t *n)
{
  *specs = cmd ? cmd->options : cli_global_options;
  *n = cmd ? cmd->n_options : cli_global_option_count;
}

static void print_words(FILE *out, const char *prefix, const struct opt_spec *specs, size_t n)
{
  const char *sep = "";
  fputs(prefix, out);
  for (size_t i = 0; i < n; i++) {
    if (specs[i].hidden)
      continue;
    fprintf(out, "%s--%s", sep, specs[i].name);
    sep = " ";
    if (specs[i].short_name)
      fprintf(out, " -%c", specs[i].short_name);
  }
  fprintf(out, "%s--help -h", sep);
}

/* ---- bash: needs bash-completion's helpers, as Debian's completions do ---- */

static void bash_value_cases(FILE *out, const struct cli_command *cmd)
{
  const struct opt_spec *specs;
  size_t n;
  options_of(cmd, &specs, &n);
  for (size_t i = 0; i < n; i++) {
    const struct opt_spec *o = &specs[i];
    char words[256];
    enum value_kind kind = option_value(o, words, sizeof words);
    /* Hidden ones too: their value must not be taken for the command. */
    if (kind == VALUE_NONE)
      continue;
    const char *c = cmd ? cmd->name : "";
    fprintf(out, "  \"%s --%s\"", c, o->name);
    if (o->short_name)
      fprintf(out, " | \"%s -%c\"", c, o->short_name);
    switch (kind) {
    case VALUE_WORDS: fprintf(out, ") echo \"words %s\" ;;\n", words); break;
    case VALUE_FILES: fputs(") echo files ;;\n", out); break;
    case VALUE_DIRS: fputs(") echo dirs ;;\n", out); break;
    default: fputs(") echo free ;;\n", out); break;
    }
  }
}

static void write_bash(FILE *out)
{
  fputs("# bash completion for hutch (made at build time from hutch's option tables)\n\n"
        "# _hutch_value COMMAND OPTION: what the option's value is (words LIST, files,\n"
        "# dirs or free); fails for a flag. COMMAND is empty for a global option.\n"
        "_hutch_value() {\n  case \"$1 $2\" in\n",
        out);
  bash_value_cases(out, NULL);
  for (size_t i = 0; i < cli_command_count; i++)
    bash_value_cases(out, cli_commands[i]);
  fputs("  *) return 1 ;;\n  esac\n}\n\n_hutch_options() {\n  case \"$1\" in\n", out);
  print_words(out, "  \"\") echo \"", cli_global_options, cli_global_option_count);
  fputs("\" ;;\n", out);
  for (size_t i = 0; i < cli_command_count; i++) {
    const struct cli_command *c = cli_commands[i];
    fprintf(out, "  %s) echo \"", c->name);
    print_words(out, "", c->options, c->n_options);
    fputs("\" ;;\n", out);
  }
  fputs("  esac\n}\n\n# _hutch_positional COMMAND N: what its N-th argument is.\n_hutch_positional() {\n"
        "  case \"$1 $2\" in\n",
        out);
  for (size_t i = 0; i < cli_command_count; i++) {
    const struct cli_command *c = cli_commands[i];
    for (unsigned n = 0; n < 2; n++) {
      static const char *const names[] = { "", "containers", "signals", "commands" };
      enum positional_kind k = positional(c, n);
      if (k != POS_NONE)
        fprintf(out, "  \"%s %u\") echo %s ;;\n", c->name, n, names[k]);
    }
  }
  fputs("  esac\n}\n\n_hutch() {\n"
        "  local cur prev words cword split\n"
        "  _init_completion -s -n : || return\n"
        "  local i word name cmd= root= npos=0 kind\n"
        "  for ((i = 1; i < cword; i++)); do\n"
        "    word=${words[i]}\n"
        "    if [[ $word == -?* ]]; then\n"
        "      name=${word%%=*}\n"
        "      if [[ -z $cmd && $name == --root ]]; then\n"
        "        if [[ $word == *=* ]]; then root=${word#*=}; else root=${words[i + 1]}; fi\n"
        "      fi\n"
        "      if [[ $word != *=* ]] && _hutch_value \"$cmd\" \"$name\" >/dev/null; then\n"
        "        ((i++))\n"
        "      fi\n"
        "    elif [[ -z $cmd ]]; then\n"
        "      cmd=$word\n"
        "    else\n"
        "      ((npos++))\n"
        "    fi\n"
        "  done\n"
        "  if [[ $prev == -?* ]] && kind=$(_hutch_value \"$cmd\" \"$prev\"); then\n"
        "    case $kind in\n"
        "    words\\ *) COMPREPLY=($(compgen -W \"${kind#words }\" -- \"$cur\")) ;;\n"
        "    files) _filedir ;;\n"
        "    dirs) _filedir -d ;;\n"
        "    esac\n"
        "    return\n"
        "  fi\n"
        "  $split && return\n"
        "  if [[ $cur == -* ]]; then\n"
        "    COMPREPLY=($(compgen -W \"$(_hutch_options \"$cmd\")\" -- \"$cur\"))\n"
        "    return\n"
        "  fi\n"
        "  if [[ -z $cmd ]]; then\n"
        "    COMPREPLY=($(compgen -W \"$_hutch_commands\" -- \"$cur\"))\n"
        "    return\n"
        "  fi\n"
        "  case $(_hutch_positional \"$cmd\" \"$npos\") in\n"
        "  containers) COMPREPLY=($(compgen -W \"$(\"${words[0]}\" ${root:+--root \"$root\"} list -q 2>/dev/null)\" "
        "-- \"$cur\")) ;;\n",
        out);
  fprintf(out, "  signals) COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")) ;;\n", signal_names);
  fputs("  commands) COMPREPLY=($(compgen -W \"$_hutch_commands\" -- \"$cur\")) ;;\n"
        "  esac\n"
        "}\n\n_hutch_commands=\"",
        out);
  for (size_t i = 0; i < cli_command_count; i++)
    fprintf(out, "%s%s", i ? " " : "", cli_commands[i]->name);
  fputs("\"\ncomplete -F _hutch hutch\n", out);
}

/* ---- zsh ---- */

/* Text inside '...[...]' of an _arguments spec. */
static void zsh_quote(FILE *out, const char *s)
{
  for (; *s; s++) {
    if (*s == '\'')
      fputs("'\\''", out);
    else if (*s == '[' || *s == ']' || *s == ':' || *s == '\\')
      fprintf(out, "\\%c", *s);
    else
      fputc(*s, out);
  }
}

static void zsh_option(FILE *out, const struct opt_spec *o)
{
  char words[256];
  enum value_kind kind = option_value(o, words, sizeof words);
  bool repeat = o->type == OPT_STRING_LIST;
  const char *value_suffix = kind == VALUE_NONE ? "" : "=";
  fputs("    ", out);
  const char *short_suffix = kind == VALUE_NONE ? "" : "+";
  if (o->short_name && repeat) /* excludes nothing, not even itself */
    fprintf(out, "'*'{-%c%s,--%s%s}'", o->short_name, short_suffix, o->name, value_suffix);
  else if (o->short_name)
    fprintf(out, "'(-%c --%s)'{-%c%s,--%s%s}'", o->short_name, o->name, o->short_name, short_suffix, o->name,
            value_suffix);
  else
    fprintf(out, "'%s--%s%s", repeat ? "*" : "", o->name, value_suffix);
  fputc('[', out);
  zsh_quote(out, o->help);
  fputc(']', out);
  if (kind != VALUE_NONE) {
    fputc(':', out);
    zsh_quote(out, o->metavar ? o->metavar : "value");
    switch (kind) {
    case VALUE_WORDS: fprintf(out, ":(%s)", words); break;
    case VALUE_FILES: fputs(":_files", out); break;
    case VALUE_DIRS: fputs(":_path_files -/", out); break;
    default: fputc(':', out); break;
    }
  }
  fputs("' \\\n", out);
}

static void write_zsh(FILE *out)
{
  fputs("#compdef hutch\n# zsh completion for hutch (made at build time from hutch's option tables)\n\n"
        "_hutch_containers() {\n"
        "  local -a ids\n"
        "  ids=(${(f)\"$(_call_program containers hutch ${_hutch_root:+--root $_hutch_root} list -q 2>/dev/null)\"})\n"
        "  _describe -t containers 'container' ids\n"
        "}\n\n"
        "_hutch() {\n"
        "  local curcontext=$curcontext state line _hutch_root ret=1\n"
        "  typeset -A opt_args\n"
        "  _arguments -C \\\n",
        out);
  for (size_t i = 0; i < cli_global_option_count; i++)
    if (!cli_global_options[i].hidden)
      zsh_option(out, &cli_global_options[i]);
  fputs("    '(- *)'{-h,--help}'[show this help]' \\\n"
        "    '1:command:->command' \\\n"
        "    '*::argument:->argument' && ret=0\n"
        "  _hutch_root=${opt_args[--root]}\n"
        "  case $state in\n"
        "  command)\n"
        "    local -a commands\n"
        "    commands=(\n",
        out);
  for (size_t i = 0; i < cli_command_count; i++) {
    fprintf(out, "      '%s:", cli_commands[i]->name);
    zsh_quote(out, cli_commands[i]->summary);
    fputs("'\n", out);
  }
  fputs("    )\n    _describe -t commands 'hutch command' commands && ret=0\n    ;;\n"
        "  argument)\n    curcontext=${curcontext%:*}-$line[1]:\n    case $line[1] in\n",
        out);
  for (size_t i = 0; i < cli_command_count; i++) {
    const struct cli_command *c = cli_commands[i];
    fprintf(out, "    %s)\n      _arguments -s -S \\\n", c->name);
    for (size_t j = 0; j < c->n_options; j++)
      if (!c->options[j].hidden)
        zsh_option(out, &c->options[j]);
    fputs("    '(- *)'{-h,--help}'[show this help]' \\\n", out);
    for (unsigned n = 0; n < 2; n++) {
      switch (positional(c, n)) {
      case POS_CONTAINER: fprintf(out, "        '%u:container:_hutch_containers' \\\n", n + 1); break;
      case POS_SIGNAL: fprintf(out, "        '%u:signal:(%s)' \\\n", n + 1, signal_names); break;
      case POS_COMMAND: {
        fprintf(out, "        '%u:command:(", n + 1);
        for (size_t k = 0; k < cli_command_count; k++)
          fprintf(out, "%s%s", k ? " " : "", cli_commands[k]->name);
        fputs(")' \\\n", out);
        break;
      }
      default: break;
      }
    }
    fputs("        && ret=0\n      ;;\n", out);
  }
  fputs("    esac\n    ;;\n  esac\n  return ret\n}\n\n_hutch \"$@\"\n", out);
}

/* ---- fish ---- */

static void fish_quote(FILE *out, const char *s)
{
  fputc('\'', out);
  for (; *s; s++) {
    if (*s == '\'' || *s == '\\')
      fputc('\\', out);
    fputc(*s, out);
  }
  fputc('\'', out);
}

static void fish_option(FILE *out, const char *condition, const struct opt_spec *o)
{
  char words[256];
  enum value_kind kind = option_value(o, words, sizeof words);
  fprintf(out, "complete -c hutch -n '%s' -l %s", condition, o->name);
  if (o->short_name)
    fprintf(out, " -s %c", o->short_name);
  switch (kind) {
  case VALUE_NONE: break;
  case VALUE_WORDS: fprintf(out, " -x -a '%s'", words); break;
  case VALUE_FILES: fputs(" -r -F", out); break;
  case VALUE_DIRS: fputs(" -x -a '(__fish_complete_directories)'", out); break;
  default: fputs(" -x", out); break;
  }
  fputs(" -d ", out);
  fish_quote(out, o->help);
  fputc('\n', out);
}

static void write_fish(FILE *out)
{
  fputs("# fish completion for hutch (made at build time from hutch's option tables)\n\n"
        "# The command word, skipping the global options and their values.\n"
        "function __hutch_command\n"
        "    set -l words (commandline -opc)\n"
        "    set -e words[1]\n"
        "    while set -q words[1]\n"
        "        switch $words[1]\n"
        "            case '--*=*'\n",
        out);
  fputs("            case", out);
  for (size_t i = 0; i < cli_global_option_count; i++) {
    char words[256];
    const struct opt_spec *o = &cli_global_options[i];
    if (option_value(o, words, sizeof words) != VALUE_NONE)
      fprintf(out, " --%s -%s", o->name, o->name);
  }
  fputs("\n                set -e words[1]\n"
        "            case '-*'\n"
        "            case '*'\n"
        "                echo $words[1]\n"
        "                return 0\n"
        "        end\n"
        "        set -e words[1]\n"
        "    end\n"
        "    return 1\n"
        "end\n\n"
        "function __hutch_command_is\n"
        "    set -l cmd (__hutch_command)\n"
        "    test \"$cmd\" = $argv[1]\n"
        "end\n\n"
        "# How many arguments follow the command, options aside (their values are\n"
        "# not told apart: good enough for the first and second argument).\n"
        "function __hutch_args_after_command\n"
        "    set -l words (commandline -opc)\n"
        "    set -l cmd (__hutch_command)\n"
        "    set -l seen 0\n"
        "    set -l n 0\n"
        "    for w in $words[2..-1]\n"
        "        if test $seen = 1\n"
        "            string match -q -- '-*' $w; or set n (math $n + 1)\n"
        "        else if test \"$w\" = \"$cmd\"\n"
        "            set seen 1\n"
        "        end\n"
        "    end\n"
        "    echo $n\n"
        "end\n\n"
        "# The container ids, from the state directory --root names if given.\n"
        "function __hutch_containers\n"
        "    set -l words (commandline -opc)\n"
        "    set -l args\n"
        "    for i in (seq (count $words))\n"
        "        switch $words[$i]\n"
        "            case '--root=*' '-root=*'\n"
        "                set args --root (string replace -r -- '^-+root=' '' $words[$i])\n"
        "            case --root -root\n"
        "                set -l j (math $i + 1)\n"
        "                set -q words[$j]; and set args --root $words[$j]\n"
        "        end\n"
        "    end\n"
        "    hutch $args list -q 2>/dev/null\n"
        "end\n\n"
        "complete -c hutch -f\n",
        out);
  for (size_t i = 0; i < cli_command_count; i++) {
    fprintf(out, "complete -c hutch -n 'not __hutch_command' -a %s -d ", cli_commands[i]->name);
    fish_quote(out, cli_commands[i]->summary);
    fputc('\n', out);
  }
  for (size_t i = 0; i < cli_global_option_count; i++)
    if (!cli_global_options[i].hidden)
      fish_option(out, "not __hutch_command", &cli_global_options[i]);
  fputs("complete -c hutch -n 'not __hutch_command' -l help -s h -d 'show this help'\n", out);
  for (size_t i = 0; i < cli_command_count; i++) {
    const struct cli_command *c = cli_commands[i];
    char condition[64];
    snprintf(condition, sizeof condition, "__hutch_command_is %s", c->name);
    for (size_t j = 0; j < c->n_options; j++)
      if (!c->options[j].hidden)
        fish_option(out, condition, &c->options[j]);
    fprintf(out, "complete -c hutch -n '%s' -l help -s h -d 'show this help'\n", condition);
    for (unsigned n = 0; n < 2; n++) {
      enum positional_kind k = positional(c, n);
      if (k == POS_NONE)
        continue;
      fprintf(out, "complete -c hutch -n '%s; and test (__hutch_args_after_command) = %u' -a ", condition, n);
      if (k == POS_CONTAINER) {
        fputs("'(__hutch_containers)'\n", out);
      } else if (k == POS_SIGNAL) {
        fprintf(out, "'%s'\n", signal_names);
      } else {
        fputc('\'', out);
        for (size_t m = 0; m < cli_command_count; m++)
          fprintf(out, "%s%s", m ? " " : "", cli_commands[m]->name);
        fputs("'\n", out);
      }
    }
  }
}

/* The scripts print the fixed values unquoted, where the shells expand
 * "$", "(" and the like: only plain words may be values. */
static bool plain_words(const struct opt_spec *specs, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    char words[256];
    const char *w = opt_fixed_values(&specs[i], words, sizeof words);
    for (; w && *w; w++)
      if (!isalnum((unsigned char) *w) && !strchr(" _.+-", *w)) {
        fprintf(stderr, "hutch-gen-completions: --%s: the value list \"%s\" holds more than plain words\n",
                specs[i].name, words);
        return false;
      }
  }
  return true;
}

bool cli_write_completion(FILE *out, const char *shell)
{
  if (!plain_words(cli_global_options, cli_global_option_count))
    return false;
  for (size_t i = 0; i < cli_command_count; i++)
    if (!plain_words(cli_commands[i]->options, cli_commands[i]->n_options))
      return false;
  if (strcmp(shell, "bash") == 0)
    write_bash(out);
  else if (strcmp(shell, "zsh") == 0)
    write_zsh(out);
  else if (strcmp(shell, "fish") == 0)
    write_fish(out);
  else
    return false;
  return true;
}
