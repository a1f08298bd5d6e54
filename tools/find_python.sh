#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter for building cogov's virtualenv.
#
# Order of search:
#   1. $PYTHON, if set (an explicit override; it must work, or this fails)
#   2. python3.13, then python3.12 on PATH, if they actually run (a pyenv shim for a
#      version that is not selected exists on PATH but fails)
#   3. the pyenv versions folder: ${PYENV_ROOT:-$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3
#   4. python3 on PATH, if it is new enough
# Prints the interpreter's real path (sys.executable) on stdout, or exits 1 with a message
# on stderr.
set -u

# ok CMD: true if CMD runs and is Python >= 3.12
ok() {
    "$1" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1
}

# emit CMD: print CMD's real interpreter path and stop
emit() {
    "$1" -c 'import sys; print(sys.executable)'
    exit 0
}

if [ -n "${PYTHON:-}" ]; then
    if ok "$PYTHON"; then
        emit "$PYTHON"
    fi
    echo "find_python.sh: PYTHON=$PYTHON does not run or is older than 3.12;" \
        "cogov needs Python >= 3.12" >&2
    exit 1
fi

for cmd in python3.13 python3.12; do
    if command -v "$cmd" >/dev/null 2>&1 && ok "$cmd"; then
        emit "$cmd"
    fi
done

shopt -s nullglob
for py in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3; do
    if ok "$py"; then
        emit "$py"
    fi
done

if command -v python3 >/dev/null 2>&1 && ok python3; then
    emit python3
fi

echo "cogov needs Python >= 3.12; set PYTHON=/path/to/python3.12" >&2
exit 1
