"""Reads the sandbox request log (JSON) on stdin and checks that the
StartInstances/StopInstances calls came in the given stage order.

usage: check_order.py [--via PREFIX] start|stop "IDS OF STAGE 1" "IDS OF STAGE 2" ...
Ids within one argument may be acted on in any order among themselves (the
stages api and worker, for example, run side by side). --via counts only the
calls made by what runs in AWS whose via starts with PREFIX ("automation"
for a runbook's steps); without it, every call counts. Calls that failed
(an errorCode) do not count."""
import json
import sys

args = sys.argv[1:]
via = None
if args[:1] == ["--via"]:
    via, args = args[1], args[2:]
action = {"start": "StartInstances", "stop": "StopInstances"}[args[0]]
groups = [set(g.split()) for g in args[1:]]
log = json.load(sys.stdin)
seen = []
for r in log:
    if r.get("action") != action or r.get("errorCode"):
        continue
    if via is not None and not (r.get("via") or "").startswith(via):
        continue
    for i in r.get("instanceIds") or []:
        if i not in seen:
            seen.append(i)
want = set().union(*groups)
who = f" by {via}" if via else ""
if set(seen) != want:
    sys.exit(f"check_order: {action}{who} touched {sorted(seen)}, expected {sorted(want)}")
pos = {i: n for n, i in enumerate(seen)}
for earlier, later in zip(groups, groups[1:]):
    if max(pos[i] for i in earlier) > min(pos[i] for i in later):
        sys.exit(f"check_order: {action}{who} order broken: {sorted(earlier)} must all come before {sorted(later)}; saw {seen}")
print(f"check_order: {action}{who} order kept: " + " -> ".join("{" + ", ".join(sorted(g)) + "}" for g in groups))
