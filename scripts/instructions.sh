#!/usr/bin/env bash
# Instructions per access decision at given revisions, counted by valgrind's callgrind:
# the measure docs/PERFORMANCE.md gives for each lever of issue 15, repeatable whatever
# else the machine is doing (instructions, not seconds).
#
#   scripts/instructions.sh 82ddb5b HEAD          # each revision's bench, the same driver
#   LGSP_INSTRUCTIONS_SIZE=100000 scripts/instructions.sh HEAD
#
# For each revision: `git archive` into target/instructions/<rev>/, its decide bench built
# into the crate's target/ (dependencies reused), then the bench's memory child
# (`LGSP_BENCH_MEMORY_CHILD=<size> LGSP_BENCH_MEMORY_TIMES=1`: the province of <size>
# agreements, default 10,000, built once, then its 256 requests decided 15 times) run under
# callgrind, counting only inside `Engine::decide` (`--toggle-collect`). Prints one line per
# revision: the revision, the instructions counted, and per decision (3,840 decisions).
# Needs valgrind (Debian's package).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
size="${LGSP_INSTRUCTIONS_SIZE:-10000}"
target="${CARGO_TARGET_DIR:-$root/target}"
command -v valgrind >/dev/null || { echo "instructions: valgrind is not installed" >&2; exit 3; }
[[ $# -gt 0 ]] || { echo "usage: scripts/instructions.sh REV..." >&2; exit 2; }
decisions=$((256 * 15))
for rev in "$@"; do
  commit=$(git -C "$root" rev-parse --verify --quiet "$rev^{commit}") ||
    { echo "instructions: no commit '$rev'" >&2; exit 2; }
  short=$(git -C "$root" rev-parse --short=7 "$commit")
  dir="$target/instructions/$short"
  if [[ ! -f $dir/Cargo.toml ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    git -C "$root" archive --format=tar "$commit" | tar -x -C "$dir"
    # A package name of its own (the lib keeps its name, `lgsp_policy`): cargo names a
    # path package's build without its path, so two revisions named alike would share
    # one bench binary, and the second would run the first's.
    sed -i '0,/^name = "lgsp-policy"/s//name = "lgsp-policy-at-'"$short"'"/' "$dir/Cargo.toml"
  fi
  # The bench binary cargo builds for this revision.
  exe=$(CARGO_TARGET_DIR="$target" cargo bench --quiet --manifest-path "$dir/Cargo.toml" \
    --bench decide --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
  [[ -x $exe ]] || { echo "instructions: $short's bench did not build" >&2; exit 1; }
  out=$(cd "$dir" && LGSP_BENCH_MEMORY_CHILD="$size" LGSP_BENCH_MEMORY_TIMES=1 \
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    --toggle-collect='*Engine*decide*' "$exe" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
  [[ -n $out ]] || { echo "instructions: callgrind counted nothing for $short" >&2; exit 1; }
  echo "$short $out instructions, $((out / decisions)) per decision ($size agreements)"
done
