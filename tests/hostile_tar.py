#!/usr/bin/env python3
"""hostile_tar.py OUTDIR TOP VICTIM - gzip'd tar archives as a hostile guest
or fleet host could send them, each a run directory TOP/ (env.csv) plus one
bad entry: OUTDIR/<kind>.tar.gz for every kind below, and good.tar.gz with
none.  VICTIM is the file a link points at (it must not change)."""
import io
import sys
import tarfile

out, top, victim = sys.argv[1:4]


def entry(name, kind=tarfile.REGTYPE, mode=0o644, link="", dev=(0, 0), raw=False):
    info = tarfile.TarInfo(name if raw or name.startswith("/") else f"{top}/{name}")
    info.type, info.mode, info.linkname = kind, mode, link
    info.devmajor, info.devminor = dev
    info.size = 1 if kind == tarfile.REGTYPE else 0
    return info


KINDS = {
    "symlink": entry("vm-console.log", tarfile.SYMTYPE, link=victim),
    "dotdot": entry("../x"),
    "device": entry("null", tarfile.CHRTYPE, dev=(1, 3)),
    "hardlink": entry("h", tarfile.LNKTYPE, link=victim.lstrip("/")),
    "fifo": entry("p", tarfile.FIFOTYPE),
    "absolute": entry(victim),
    "setuid": entry("s", mode=0o4755),
    "ctlname": entry("a\033[31mb"),
    "outside": entry("S/x", raw=True),
    "good": None,
}

for kind, bad in KINDS.items():
    with tarfile.open(f"{out}/{kind}.tar.gz", "w:gz") as tar:
        root = tarfile.TarInfo(top)
        root.type, root.mode = tarfile.DIRTYPE, 0o755
        tar.addfile(root)
        body = b"key,value\nrun_state,complete\n"
        env = tarfile.TarInfo(f"{top}/env.csv")
        env.size = len(body)
        tar.addfile(env, io.BytesIO(body))
        if bad is not None:
            tar.addfile(bad, io.BytesIO(b"x") if bad.size else None)
