# complete.bash SCRIPT LINE: the candidates bash's programmable completion
# (with bash-completion's helpers, as Debian loads it) offers for LINE, the
# cursor at its end, one per line.
source /usr/share/bash-completion/bash_completion
source "$1"
COMP_LINE=$2
read -ra COMP_WORDS <<<"$COMP_LINE"
# A line ending in a blank completes a new, empty word.
[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_POINT=${#COMP_LINE}
_hutch
printf '%s\n' "${COMPREPLY[@]}" | sort -u
