#!/bin/sh
# test_untar.sh SOURCE_DIR - scripts/evbench-safe.sh, the unpacking of
# archives from elsewhere (a guest's run directory, a fleet host's): an
# archive with a symlink, a hard link, a ../ or absolute name, a device, a
# FIFO, a setuid bit, a control character in a name, an entry outside R/
# or more than 256 MiB unpacked is refused before anything is unpacked, naming the entry; a good one
# unpacks as a new directory, never over an existing one.  As a command
# (the fleet's step), a refused archive leaves DEST marked damaged.
set -u
src=$1
safe=$src/scripts/evbench-safe.sh
command -v python3 >/dev/null || { echo "SKIPPED: python3 is needed to write the archives"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_untar.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

. "$safe"
echo untouched >"$tmp/victim"
mkdir "$tmp/R" "$tmp/dot"
python3 "$src/tests/hostile_tar.py" "$tmp/R" R "$tmp/victim" &&
	python3 "$src/tests/hostile_tar.py" "$tmp/dot" . "$tmp/victim" || { echo "FAIL: hostile_tar.py"; exit 1; }

check() {   # kind, the reason expected
	why=$(evb_untar "$tmp/R/$1.tar.gz" "$tmp/out-$1" R)
	rc=$?
	[ $rc -eq 1 ] || fail "$1: evb_untar returned $rc, expected 1"
	case $why in
	"$2"*) ;;
	*) fail "$1: reason '$why', expected '$2…'" ;;
	esac
	[ -e "$tmp/out-$1" ] && fail "$1: something was unpacked"
}
check symlink "a symbolic link: R/vm-console.log"
check hardlink "a hard link: R/h"
check dotdot "a .. component: R/../x"
check absolute "an absolute name: $tmp/victim"
check device "a device node: R/null"
check fifo "a FIFO: R/p"
check setuid "a setuid, setgid or sticky bit (rwsr-xr-x): R/s"
check ctlname 'a control character or backslash in a name: R/a\033[31mb'
check outside "an entry outside R/: S/x"
# Two files of 129 MiB (of zeros, a few hundred kB packed): 258 MiB in all
# is past the 256 MiB a guest may send unpacked.
python3 - "$tmp/R/big.tar.gz" <<'PY' || fail "writing big.tar.gz"
import io, sys, tarfile
class Zeros(io.RawIOBase):
    def readable(self):
        return True
    def readinto(self, b):
        b[:] = bytes(len(b))
        return len(b)
with tarfile.open(sys.argv[1], "w:gz", compresslevel=1) as t:
    for name in ("R/a", "R/b"):
        info = tarfile.TarInfo(name)
        info.size = 129 << 20
        t.addfile(info, io.BufferedReader(Zeros()))
PY
check big "more than 256 MiB (268435456 bytes) unpacked, the limit, at: R/b"
[ "$(cat "$tmp/victim")" = untouched ] || fail "the victim file changed"
[ -e "$tmp/x" ] || [ -e "$tmp/R/x" ] && fail "../x was written"
ls -A "$tmp" | grep -q '^\.evbench-untar' && fail "a staging directory was left"
echo junk >"$tmp/junk.tar.gz"
why=$(evb_untar_check "$tmp/junk.tar.gz") && fail "junk accepted"
case $why in "not a readable gzip'd tar archive"*) ;; *) fail "junk: '$why'" ;; esac

# A good archive: a new directory of plain files, no owner taken.
evb_untar "$tmp/R/good.tar.gz" "$tmp/good" R || fail "good archive refused"
[ "$(cat "$tmp/good/env.csv" 2>/dev/null)" = "key,value
run_state,complete" ] || fail "good archive: env.csv not unpacked"
[ "$(stat -c %u "$tmp/good/env.csv")" = "$(id -u)" ] || fail "good archive: owner kept"
why=$(evb_untar "$tmp/R/good.tar.gz" "$tmp/good" R) && fail "unpacked over an existing directory"
case $why in *"good exists") ;; *) fail "existing destination: '$why'" ;; esac

# The command the fleet runs: refused → DEST marked damaged, archive kept.
for kind in symlink dotdot device; do
	cp "$tmp/dot/$kind.tar.gz" "$tmp/host-$kind.tar.gz"
	sh "$safe" "$tmp/host-$kind.tar.gz" "$tmp/host-$kind" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 1 ] || fail "command, $kind: exit $rc, expected 1"
	grep -q "refused: .*: \./" "$tmp/err" || fail "command, $kind: message: $(cat "$tmp/err")"
	grep -q '^run_state,"\{0,1\}damaged: the archive was refused: ' "$tmp/host-$kind/env.csv" ||
		fail "command, $kind: not marked damaged: $(cat "$tmp/host-$kind/env.csv")"
	[ -f "$tmp/host-$kind/archive.rejected" ] || fail "command, $kind: archive not kept"
done
sh "$safe" "$tmp/dot/good.tar.gz" "$tmp/host-good" || fail "command: good archive refused"
[ -f "$tmp/host-good/env.csv" ] || fail "command: good archive not unpacked"
sh "$safe" "$tmp/dot/symlink.tar.gz" "$tmp/host-good" 2>"$tmp/err" && fail "command: over an existing run"
grep -q '^run_state,complete$' "$tmp/host-good/env.csv" || fail "command: an existing run was marked"

# CSV fields from names: quoted where needed (RFC 4180).
[ "$(evb_csv_field 'a,b"c')" = '"a,b""c"' ] || fail "evb_csv_field quoting"
[ "$(evb_csv_field plain)" = plain ] || fail "evb_csv_field plain"

[ $fails -eq 0 ] && echo "test_untar: all checks passed"
[ $fails -eq 0 ]
