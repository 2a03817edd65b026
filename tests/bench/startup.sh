#!/bin/bash
# Container start-up benchmark: lodge against runc and crun.
#
#   tests/bench/startup.sh [-n N] [LODGE]
#
# Builds a busybox bundle whose process is /bin/true, then for each runtime
# (lodge: the LODGE argument, else $LODGE, else ./lodge; /usr/sbin/runc;
# crun) times N sequential `run`s (create + start + wait + delete in one
# command), each with its own --root in a temp dir, after one warm-up run.
# Per run: wall time in ms, and peak RSS through /usr/bin/time -f %M (the
# largest of the runtime process and the children it waited for, e.g. its
# init before the exec).  Prints a table (median ms, p90 ms, peak RSS KiB =
# the largest over the runs) and the lodge/crun and lodge/runc median ratios.
#
# crun refuses every container on this host's cgroup v1 hybrid layout
# (hugetlb on the cgroup2 mount); it runs with that mount's
# cgroup.controllers hidden in a private mount namespace:
#   unshare -m sh -c 'mount --bind /dev/null .../cgroup.controllers && exec crun ...'
# The wrapper's own cost is measured alone and printed, so it can be
# subtracted.  Needs root.

set -u
set -o pipefail

n=50
usage() {
  echo "usage: $0 [-n N] [LODGE]" >&2
  exit 2
}
while getopts 'n:h' opt; do
  case $opt in
    n) n=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
[[ "$n" =~ ^[1-9][0-9]*$ ]] || usage

die() {
  echo "startup.sh: $*" >&2
  exit 1
}

lodge=${1:-${LODGE:-./lodge}}
[[ "$lodge" == */* ]] || lodge=$(command -v "$lodge") || die "lodge binary not found"
lodge=$(realpath "$lodge") && [ -x "$lodge" ] || die "lodge binary not found: ${1:-${LODGE:-./lodge}}"
runc=/usr/sbin/runc
crun=$(command -v crun || true)
unified=/sys/fs/cgroup/unified/cgroup.controllers
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
[ "$(id -u)" = 0 ] || die "needs root"

work=$(mktemp -d /tmp/lodge-bench.XXXXXX) || die "mktemp failed"
chmod 755 "$work"
cleanup() {
  local root id bin
  for root in "$work"/root-*; do
    [ -d "$root" ] || continue
    case $root in
      *-lodge) bin=$lodge ;;
      *-runc) bin=$runc ;;
      *) continue ;;
    esac
    for id in $(ls -A "$root" 2>/dev/null); do
      "$bin" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
    done
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the bundle -----------------------------------------------------------

bundle=$work/bundle
mkdir -p "$bundle/rootfs"
(
  set -e
  cd "$bundle/rootfs"
  mkdir -p bin proc sys dev tmp etc
  cp "$(realpath "$(command -v busybox)")" bin/busybox
  ln -s busybox bin/true
  ln -s busybox bin/sh
  ln -s busybox bin/sleep
  echo 'root:x:0:0:root:/root:/bin/sh' >etc/passwd
  echo 'root:x:0:' >etc/group
) || die "building the rootfs failed (busybox-static installed?)"
# One config for every runtime: runc's, as clients would hand it over.
spec_bin=$runc
[ -x "$spec_bin" ] || spec_bin=$lodge
(cd "$bundle" && "$spec_bin" spec) || die "$spec_bin spec failed"
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$bundle/config.json" >"$bundle/config.json.new" &&
  mv "$bundle/config.json.new" "$bundle/config.json" || die "jq failed"

# A second bundle that proves a runtime really runs containers here.
mkdir -p "$work/check"
jq --arg r "$bundle/rootfs" '.root.path = $r | .process.args = ["/bin/sh", "-c", "echo container-ran"]' \
  "$bundle/config.json" >"$work/check/config.json" || die "jq failed"

# ---- measuring --------------------------------------------------------------

# ms_between T0 T1: milliseconds between two $EPOCHREALTIME readings.
ms_between() {
  local d=$((${2/./} - ${1/./}))
  echo "$((d / 1000)).$(printf '%03d' $((d % 1000)))"
}

# run_runtime NAME CMD...: run N+1 containers with CMD... (the runtime and
# its global flags); the first is a warm-up.  Writes NAME.ms and NAME.rss
# (one line per run) and NAME.failed (the count of failed runs).
run_runtime() {
  local name=$1 i t0 t1 failed=0
  shift
  : >"$work/$name.ms"
  : >"$work/$name.rss"
  if [ "$("$@" run --bundle "$work/check" "check-$name" </dev/null 2>"$work/$name.err")" != container-ran ]; then
    echo "# $name does not run containers here: $(head -n 1 "$work/$name.err")" >&2
    echo "$n" >"$work/$name.failed"
    return
  fi
  for ((i = 0; i <= n; i++)); do
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -f %M -o "$work/rss.tmp" "$@" run --bundle "$bundle" "bench-$name-$i" \
      </dev/null >/dev/null 2>>"$work/$name.err"; then
      failed=$((failed + 1))
    fi
    t1=$EPOCHREALTIME
    [ "$i" -eq 0 ] && continue
    ms_between "$t0" "$t1" >>"$work/$name.ms"
    tail -n 1 "$work/rss.tmp" >>"$work/$name.rss"
  done
  echo "$failed" >"$work/$name.failed"
}

# exec_runtime NAME CMD...: start a detached container sleeping, then time
# N `exec ID /bin/true` in it (after one warm-up); writes NAME.exec.ms.
exec_runtime() {
  local name=$1 i t0 t1 id="exec-$1"
  shift
  : >"$work/$name.exec.ms"
  mkdir -p "$work/sleep-$name"
  # runc refuses a symlinked rootfs: point root.path at the bundle's.
  jq --arg r "$bundle/rootfs" '.root.path = $r | .process.args = ["/bin/sleep", "1000"]' \
    "$bundle/config.json" >"$work/sleep-$name/config.json" || return
  if ! "$@" run -d --bundle "$work/sleep-$name" "$id" </dev/null >/dev/null 2>>"$work/$name.err"; then
    echo "# $name: could not start the container for exec" >&2
    return
  fi
  for ((i = 0; i <= n; i++)); do
    t0=$EPOCHREALTIME
    "$@" exec "$id" /bin/true </dev/null >/dev/null 2>>"$work/$name.err"
    t1=$EPOCHREALTIME
    [ "$i" -eq 0 ] && continue
    ms_between "$t0" "$t1" >>"$work/$name.exec.ms"
  done
  "$@" delete --force "$id" >/dev/null 2>&1
}

# stat_of FILE median|p90|max: over the numbers in FILE, one per line.
# p90 is the nearest rank: the ceil(0.9 * N)-th smallest.
stat_of() {
  sort -g "$1" | awk -v what="$2" '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "n/a"; exit }
      if (what == "median")
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      else if (what == "p90") {
        r = int(0.9 * NR); if (r < 0.9 * NR) r++
        m = v[r]
      } else
        m = v[NR]
      printf (what == "max") ? "%d\n" : "%.2f\n", m
    }'
}

runtimes=(lodge)
echo "# $n runs each of /bin/true; bundle $bundle"
echo "# lodge: $lodge ($("$lodge" --version 2>/dev/null | head -n 1))"
run_runtime lodge "$lodge" --root "$work/root-lodge"
exec_runtime lodge "$lodge" --root "$work/root-lodge"

if [ -x "$runc" ]; then
  runtimes+=(runc)
  echo "# runc: $runc ($("$runc" --version | head -n 1))"
  run_runtime runc "$runc" --root "$work/root-runc"
  exec_runtime runc "$runc" --root "$work/root-runc"
fi

if [ -n "$crun" ]; then
  runtimes+=(crun)
  echo "# crun: $crun ($("$crun" --version | head -n 1)), via unshare -m and a bind over $unified"
  # shellcheck disable=SC2016 # $0 and $@ belong to the inner sh
  crun_cmd=(unshare -m sh -c 'mount --bind /dev/null "$0" && exec "$@"' "$unified" "$crun" --root "$work/root-crun")
  if [ ! -e "$unified" ]; then
    crun_cmd=("$crun" --root "$work/root-crun")
  fi
  run_runtime crun "${crun_cmd[@]}"
  exec_runtime crun "${crun_cmd[@]}"
  # The wrapper alone, to subtract.
  : >"$work/wrapper.ms"
  for ((i = 0; i < n; i++)); do
    t0=$EPOCHREALTIME
    unshare -m sh -c 'mount --bind /dev/null "$0" && exec true' "$unified" 2>/dev/null
    t1=$EPOCHREALTIME
    ms_between "$t0" "$t1" >>"$work/wrapper.ms"
  done
fi

# ---- report -----------------------------------------------------------------

echo
printf '%-8s %10s %10s %16s %8s %15s\n' runtime "median ms" "p90 ms" "peak RSS KiB" failed "exec median ms"
declare -A median exec_median
for r in "${runtimes[@]}"; do
  median[$r]=$(stat_of "$work/$r.ms" median)
  exec_median[$r]=$(stat_of "$work/$r.exec.ms" median)
  printf '%-8s %10s %10s %16s %8s %15s\n' "$r" "${median[$r]}" "$(stat_of "$work/$r.ms" p90)" \
    "$(stat_of "$work/$r.rss" max)" "$(cat "$work/$r.failed")" "${exec_median[$r]}"
  if [ "$(cat "$work/$r.failed")" != 0 ]; then
    echo "#   $r failed runs; first error: $(head -n 1 "$work/$r.err")"
  fi
done
[ -s "$work/wrapper.ms" ] && echo "# crun's unshare+mount wrapper alone: median $(stat_of "$work/wrapper.ms" median) ms (included above)"
echo

# ratio ARRAY A B: ARRAY[A] / ARRAY[B].
ratio() {
  local -n m=$1
  if [ -n "${m[$2]:-}" ] && [ -n "${m[$3]:-}" ] && [ "${m[$3]}" != n/a ] && [ "${m[$2]}" != n/a ]; then
    awk -v a="${m[$2]}" -v b="${m[$3]}" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "n/a" }'
  else
    echo n/a
  fi
}
echo "lodge/crun median ratio: $(ratio median lodge crun)"
echo "lodge/runc median ratio: $(ratio median lodge runc)"
echo "lodge/crun exec median ratio: $(ratio exec_median lodge crun)"
echo "lodge/runc exec median ratio: $(ratio exec_median lodge runc)"
