#!/usr/bin/zsh -f
# capture.zsh COMPDIR LINE: the candidates zsh's completion system offers
# for LINE (cursor at its end), one per line, from the _hutch in COMPDIR.
zmodload zsh/zpty || exit 1
compdir=$1 line=$2
zpty z zsh -f -i
zpty -w z "PS1= PROMPT= RPROMPT="
zpty -w z "fpath=(${(q)compdir} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
# Each candidate added is printed between markers the echo of this input
# cannot contain.
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  local -a __hits; builtin compadd -A __hits "$@"
  local h; for h in $__hits; do print -r -- "<""<$h>"">"; done
}'
zpty -w z 'bindkey "^I" complete-word'
zpty -w z 'print -r -- "<""<READY>"">"'
local out
zpty -r z out '*<<READY>>*' || exit 1
zpty -n -w z "$line"$'\t'
zpty -w z $'\C-u'
zpty -w z 'print -r -- "<""<DONE>"">"'
zpty -r z out '*<<DONE>>*' || exit 1
print -r -- $out | grep -o '<<[^<>]*>>' | sed 's/^<<//; s/>>$//' | grep -vx 'READY\|DONE' | sort -u
zpty -d z
