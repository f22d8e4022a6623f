#!/bin/sh
# Installs the SMT solver `lgsp-policy prove` and `lgsp-policy diff` drive (cvc5), when it
# is absent. Idempotent: a second run checks the installation and does nothing else.
# For Debian/Ubuntu (python3 and venv from apt when missing, cvc5 from PyPI).
#
#   scripts/install-cvc5.sh                       # install, then print how to use it
#   eval "$(scripts/install-cvc5.sh --print-env)" # the same, and set CVC5 for this shell
#   CVC5_SOURCE=apt scripts/install-cvc5.sh      # fallback: Debian's own cvc5 package
#
# Why this version: cedar-policy-symcc 0.8.1 (which lgsp-policy pins, with cedar-policy
# 4.14.1) is developed and tested against cvc5 1.3.1 (its README; upstream moved its CI to
# 1.3.1). PyPI ships exactly that version, pinned below, as Python bindings with the solver
# library but no executable, so scripts/cvc5-py-driver.py plays the executable's part
# (SMT-LIB 2 on stdin, answers on stdout, as `cvc5 --lang smt` does). Debian bookworm's
# package is cvc5 1.0.3: it gave the same verdicts on every check measured
# (/work/spike-symcc/FINDINGS.md §2) and starts faster, but it is older than anything
# upstream tests, so it is only the fallback.
set -eu

CVC5_VERSION=1.3.1
PREFIX=${PREFIX:-${HOME:-/root}/.local/share/lgsp-policy/cvc5}
HERE=$(cd "$(dirname "$0")" && pwd)
DRIVER_SRC=$HERE/cvc5-py-driver.py
print_env=no
[ "${1:-}" = "--print-env" ] && print_env=yes

# With --print-env, standard output is only the `export` line (for eval).
say() { if [ $print_env = yes ]; then echo "$*" >&2; else echo "$*"; fi; }

apt_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "install-cvc5.sh: $* missing; run as root or install them: apt-get install $*" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "$@" >&2
}

smoke_test() {
    answer=$(printf '(set-logic ALL)\n(declare-const x Int)\n(assert (> x 3))\n(check-sat)\n' \
        | "$1" --lang smt --tlimit-per=10000 2>/dev/null || true)
    [ "$answer" = "sat" ] || { echo "install-cvc5.sh: $1 does not answer like cvc5 (got '$answer')" >&2; exit 1; }
}

if [ "${CVC5_SOURCE:-pypi}" = apt ]; then
    command -v cvc5 >/dev/null 2>&1 || apt_install cvc5
    solver=$(command -v cvc5)
    smoke_test "$solver"
    say "$("$solver" --version | head -n 1) at $solver"
else
    installed_version() {
        [ -x "$PREFIX/venv/bin/python" ] || return 1
        "$PREFIX/venv/bin/python" -c 'import cvc5, sys; v = cvc5.Solver().getVersion(); v = v.decode() if isinstance(v, bytes) else v; sys.stdout.write(v.split("-")[0])' 2>/dev/null
    }
    solver=$PREFIX/bin/cvc5
    if [ "$(installed_version || true)" = "$CVC5_VERSION" ] && [ -x "$solver" ] \
        && cmp -s "$DRIVER_SRC" "$PREFIX/lib/cvc5-py-driver.py"; then
        say "cvc5 $CVC5_VERSION already installed in $PREFIX"
    else
        python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || apt_install python3 python3-venv
        mkdir -p "$PREFIX/bin" "$PREFIX/lib"
        [ -x "$PREFIX/venv/bin/python" ] || python3 -m venv "$PREFIX/venv" >&2
        "$PREFIX/venv/bin/pip" install -q --disable-pip-version-check "cvc5==$CVC5_VERSION" >&2
        install -m 0644 "$DRIVER_SRC" "$PREFIX/lib/cvc5-py-driver.py"
        cat > "$solver.tmp" <<WRAPPER
#!/bin/sh
exec "$PREFIX/venv/bin/python" "$PREFIX/lib/cvc5-py-driver.py" "\$@"
WRAPPER
        chmod 0755 "$solver.tmp" && mv "$solver.tmp" "$solver"
        say "installed cvc5 $(installed_version) in $PREFIX"
    fi
    smoke_test "$solver"
fi

if [ $print_env = yes ]; then
    echo "export CVC5=$solver"
else
    say "use it with: export CVC5=$solver   (or lgsp-policy prove --solver $solver)"
fi
