#!/bin/sh
# Ctrl-C (SIGINT) stops a long command: exit status 130, a message on
# standard error, and no output written: a new file is not created, an
# existing one is left as it was, no temporary is left beside it.
#   interrupt.sh HSEC
# The commands run a generated scenario that takes a minute or more (a run
# of 4e9 link updates; 20,000 members of 4e6); the signal is sent once the
# program has installed its handler (read from /proc where there is one)
# and has started work, and the test waits a bounded time for it to stop.
set -u
hsec=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hsec-interrupt-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/gen.py" <<'PY'
import json, sys
path, services, steps, members = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
groups = 20
doc = {"hsec": 1, "regions": [{"id": "r"}],
       "groups": [{"id": "g%d" % i, "region": "r", "size": 1000} for i in range(groups)],
       "services": [{"id": "s%d" % i, "kind": "water", "region": "r", "recovery": 0.1}
                    for i in range(services)],
       "links": [{"from": "s%d" % i, "to": "g%d.health" % (i % groups), "weight": 0.5}
                 for i in range(services)] +
                [{"from": "s%d" % i, "to": "s%d" % ((i + 1) % services), "weight": 0.3}
                 for i in range(services)],
       "threats": [{"id": "t", "targets": [{"node": "s0", "magnitude": 0.5}]}],
       "uncertainty": {"weights": [0.9, 1, 1.1], "members": members},
       "run": {"mode": "dynamic", "steps": steps}}
json.dump(doc, open(path, "w"))
PY

cat > "$tmp/interrupt.py" <<'PY'
import os, signal, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
old = open(out, "rb").read() if os.path.exists(out) else None
# the child starts with SIGINT at its default, whatever this test inherited
# (a background job's is ignored, and an ignored SIGINT stays ignored)
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

def status():
    try:
        return open("/proc/%d/status" % p.pid).read()
    except OSError:
        return None

def caught():
    s = status()
    if s is None:
        return None  # no /proc: not known
    for line in s.splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return None

def cpu():
    try:
        f = open("/proc/%d/stat" % p.pid).read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None

start = time.monotonic()
# the handler installed (at most 30 s), then some work done (at most 5 s more)
while p.poll() is None and caught() is False and time.monotonic() - start < 30:
    time.sleep(0.01)
if caught() is None:
    time.sleep(1)
begun = time.monotonic()
while p.poll() is None and (cpu() or 0) < 0.3 and time.monotonic() - begun < 5:
    time.sleep(0.01)
if p.poll() is not None:
    sys.exit("FAIL %s: finished before the signal (status %d)" % (cmd[1], p.returncode))
os.kill(p.pid, signal.SIGINT)
try:
    _, err = p.communicate(timeout=120)
except subprocess.TimeoutExpired:
    p.kill()
    p.communicate()
    sys.exit("FAIL %s: still running 120 s after SIGINT" % cmd[1])
err = err.decode(errors="replace")
fails = []
if p.returncode != 130:
    fails.append("status %d, expected 130 (negative: killed by that signal)" % p.returncode)
if "hsec: interrupted" not in err:
    fails.append("no message on standard error: %r" % err)
now = open(out, "rb").read() if os.path.exists(out) else None
if now != old:
    fails.append("%s was %s" % (out, "created" if old is None else "changed"))
left = [f for f in os.listdir(os.path.dirname(out)) if ".tmp-" in f]
if left:
    fails.append("temporaries left: %s" % left)
if fails:
    sys.exit("FAIL %s: %s" % (cmd[1], "; ".join(fails)))
print("ok %s: exit 130, nothing written" % cmd[1])
PY

fails=0
mkdir "$tmp/out"
# a run: 2 million steps of 2,000 links; the progress callback comes every 1%
python3 "$tmp/gen.py" "$tmp/run.json" 1000 2000000 1
python3 "$tmp/interrupt.py" "$tmp/out/run.json" "$hsec" run "$tmp/run.json" -o "$tmp/out/run.json" || fails=$((fails + 1))
printf 'previous results\n' > "$tmp/out/kept.json"
python3 "$tmp/interrupt.py" "$tmp/out/kept.json" "$hsec" run "$tmp/run.json" --format text -o "$tmp/out/kept.json" || fails=$((fails + 1))
# an ensemble: 20,000 members of 2,000 steps; the callback comes every member
python3 "$tmp/gen.py" "$tmp/ens.json" 1000 2000 20000
python3 "$tmp/interrupt.py" "$tmp/out/ens.json" "$hsec" ensemble "$tmp/ens.json" --threads 2 -o "$tmp/out/ens.json" || fails=$((fails + 1))
python3 "$tmp/interrupt.py" "$tmp/out/kept.json" "$hsec" ensemble "$tmp/ens.json" --threads 1 --format text -o "$tmp/out/kept.json" || fails=$((fails + 1))
echo "$((4 - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
