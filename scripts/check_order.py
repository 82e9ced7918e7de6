"""Reads the sandbox request log (JSON) on stdin and checks that the
StartInstances/StopInstances calls came in the given stage order.

usage: check_order.py start|stop "IDS OF STAGE 1" "IDS OF STAGE 2" ...
Ids within one argument may be acted on in any order among themselves (the
stages api and worker, for example, run side by side)."""
import json
import sys

action = {"start": "StartInstances", "stop": "StopInstances"}[sys.argv[1]]
groups = [set(g.split()) for g in sys.argv[2:]]
log = json.load(sys.stdin)
seen = []
for r in log:
    if r.get("action") == action and not r.get("error"):
        for i in r.get("instanceIds") or r.get("ids") or []:
            if i not in seen:
                seen.append(i)
want = set().union(*groups)
if set(seen) != want:
    sys.exit(f"check_order: {action} touched {sorted(seen)}, expected {sorted(want)}")
pos = {i: n for n, i in enumerate(seen)}
for earlier, later in zip(groups, groups[1:]):
    if max(pos[i] for i in earlier) > min(pos[i] for i in later):
        sys.exit(f"check_order: {action} order broken: {sorted(earlier)} must all come before {sorted(later)}; saw {seen}")
print(f"check_order: {action} order kept: " + " -> ".join("{" + ", ".join(sorted(g)) + "}" for g in groups))
