#!/usr/bin/env bash
# The access bench against a frozen copy of the engine (issue 15: "five times cheaper,
# measured against a frozen copy of today's engine in the same run").
#
#   scripts/bench-frozen.sh                                 # 82ddb5b (lgsp-policy 0.5.0), every size
#   LGSP_BENCH_SIZES=100,10000 LGSP_BENCH_ROUNDS=60 scripts/bench-frozen.sh   # the bench's variables pass through
#   scripts/bench-frozen.sh 82ddb5b -- access_100000/       # a revision, then criterion's arguments
#
# Extracts `git archive REV` into target/frozen/lgsp-policy-<rev>/ (exactly the archive on
# every run), renames that copy's package lgsp-policy-frozen (lib lgsp_policy_frozen,
# version <version>+<rev>, so two revisions never share a build) and points
# target/frozen/current at it; then runs benches/decide.rs from the package benches/frozen/,
# whose cfg `lgsp_frozen` adds the frozen engine on the same provinces and requests:
# `access_<size>/decide_frozen`, a contender in the interleaved rounds, and the column
# "frozen / decide" of the summary's first table. The frozen engine must decide every
# request of the pool as the current one does, or the bench stops.
# The crate's own Cargo.toml never depends on the frozen copy (a fresh clone has none, and
# .ci/run builds without it). Builds into the crate's target/ (or $CARGO_TARGET_DIR), so the
# release dependencies of `cargo bench` are reused.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
usage="usage: scripts/bench-frozen.sh [REV] [-- criterion arguments]"
rev=82ddb5b
if [[ $# -gt 0 && $1 != -- ]]; then
  rev=$1
  shift
fi
if [[ $# -gt 0 ]]; then
  [[ $1 == -- ]] || { echo "$usage" >&2; exit 2; }
  shift
fi
commit=$(git -C "$root" rev-parse --verify --quiet "$rev^{commit}") ||
  { echo "bench-frozen: no commit '$rev' in $root" >&2; exit 2; }
short=$(git -C "$root" rev-parse --short=7 "$commit")

frozen="$root/target/frozen"
copy="$frozen/lgsp-policy-$short"
new="$frozen/.lgsp-policy-$short.new"
rm -rf "$new"
mkdir -p "$new"
git -C "$root" archive --format=tar "$commit" | tar -x -C "$new"
version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$new/Cargo.toml" | head -1)
[[ -n $version ]] || { echo "bench-frozen: no version in $rev's Cargo.toml" >&2; exit 1; }
# Package lgsp-policy-frozen, lib lgsp_policy_frozen (two path packages `lgsp-policy` of the
# same version collide in the lock file), version <version>+<rev> (so two revisions never
# share a build); the copy's profiles are dropped (a dependency's are ignored, with a
# warning).
awk -v short="$short" '
  /^\[/ { section = $0; skip = section ~ /^\[profile[.\]]/ }
  skip { next }
  section == "[package]" && /^name *=/ { print "name = \"lgsp-policy-frozen\""; next }
  section == "[package]" && /^version *=/ {
    split($0, q, "\""); print "version = \"" q[2] (index(q[2], "+") ? "." : "+") short "\""; next
  }
  section == "[lib]" && /^name *=/ { next }
  { print }
  section == "[lib]" && /^\[lib\]/ { print "name = \"lgsp_policy_frozen\""; lib = 1 }
  END { if (!lib) print "\n[lib]\nname = \"lgsp_policy_frozen\"" }
' "$new/Cargo.toml" >"$new/Cargo.toml.frozen"
mv "$new/Cargo.toml.frozen" "$new/Cargo.toml"
rm -f "$new/Cargo.lock"
# The copy is always exactly the archive. Where the previous copy of this revision already
# is, its files (and their times) stay, so cargo rebuilds nothing; otherwise (a first run,
# or a copy someone edited) the files get the current time, so cargo rebuilds the copy
# rather than trust a build of other sources (it only rebuilds for files newer than it).
if [[ -d $copy ]] && diff -rq --no-dereference "$copy" "$new" >/dev/null; then
  rm -rf "$new"
else
  find "$new" -exec touch -h {} +
  rm -rf "$copy"
  mv "$new" "$copy"
fi
rm -rf "$frozen/current"
ln -s "lgsp-policy-$short" "$frozen/current"

export LGSP_BENCH_FROZEN="$version ($short)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"
exec cargo bench --manifest-path benches/frozen/Cargo.toml --bench decide -- "$@"
