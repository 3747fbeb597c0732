#!/usr/bin/env python3
"""pass_persist backend of the netmond lab's controllable agent (scripts/lab/ctl-agent.sh).

    ctl_agent_pass.py STATE_JSON ROOT_OID      (run by snmpd: pass_persist -p 1 ROOT_OID ...)
    ctl_agent_pass.py STATE_JSON --dump [ROOT_OID]   (debug: print every OID|type|value)
    ctl_agent_pass.py STATE_JSON --default           (print the default state as JSON)

Serves sysUpTime.0, ifNumber.0, ifTable, ifXTable and ifTableLastChange.0 from STATE_JSON, which is
re-read on every request, so a test changes values (ctl-agent.sh set / set-json) without
restarting snmpd. Only OIDs under ROOT_OID are returned (one process per registered subtree).
Python 3 standard library only. The JSON shape is documented in docs/LAB.md.
"""
import json
import os
import sys

SYS_UPTIME = (1, 3, 6, 1, 2, 1, 1, 3)
IF_NUMBER = (1, 3, 6, 1, 2, 1, 2, 1)
IF_ENTRY = (1, 3, 6, 1, 2, 1, 2, 2, 1)
IFX_ENTRY = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
IF_TABLE_LAST_CHANGE = (1, 3, 6, 1, 2, 1, 31, 1, 5)

# (column, field, pass_persist type)
IF_COLUMNS = [
    (1, "ifIndex", "integer"),
    (2, "ifDescr", "string"),
    (3, "ifType", "integer"),
    (4, "ifMtu", "integer"),
    (5, "ifSpeed", "gauge"),
    (6, "ifPhysAddress", "octet"),
    (7, "ifAdminStatus", "integer"),
    (8, "ifOperStatus", "integer"),
    (9, "ifLastChange", "timeticks"),
    (10, "ifInOctets", "counter"),
    (11, "ifInUcastPkts", "counter"),
    (13, "ifInDiscards", "counter"),
    (14, "ifInErrors", "counter"),
    (15, "ifInUnknownProtos", "counter"),
    (16, "ifOutOctets", "counter"),
    (17, "ifOutUcastPkts", "counter"),
    (19, "ifOutDiscards", "counter"),
    (20, "ifOutErrors", "counter"),
]
IFX_COLUMNS = [
    (1, "ifName", "string"),
    (2, "ifInMulticastPkts", "counter"),
    (3, "ifInBroadcastPkts", "counter"),
    (4, "ifOutMulticastPkts", "counter"),
    (5, "ifOutBroadcastPkts", "counter"),
    (6, "ifHCInOctets", "counter64"),
    (7, "ifHCInUcastPkts", "counter64"),
    (8, "ifHCInMulticastPkts", "counter64"),
    (9, "ifHCInBroadcastPkts", "counter64"),
    (10, "ifHCOutOctets", "counter64"),
    (11, "ifHCOutUcastPkts", "counter64"),
    (12, "ifHCOutMulticastPkts", "counter64"),
    (13, "ifHCOutBroadcastPkts", "counter64"),
    (14, "ifLinkUpDownTrapEnable", "integer"),
    (15, "ifHighSpeed", "gauge"),
    (16, "ifPromiscuousMode", "integer"),
    (17, "ifConnectorPresent", "integer"),
    (18, "ifAlias", "string"),
    (19, "ifCounterDiscontinuityTime", "timeticks"),
]
HC_FIELDS = {f for c, f, t in IFX_COLUMNS if t == "counter64"}

# Defaults for fields an interface object leaves out (null in the JSON removes the column).
IF_DEFAULTS = {
    "ifType": 6, "ifMtu": 1500, "ifSpeed": 0, "ifPhysAddress": "",
    "ifAdminStatus": 1, "ifOperStatus": 1, "ifLastChange": 0,
    "ifLinkUpDownTrapEnable": 1, "ifHighSpeed": 0, "ifPromiscuousMode": 2,
    "ifConnectorPresent": 1, "ifAlias": "", "ifCounterDiscontinuityTime": 0,
}
COUNTER_FIELDS = [f for c, f, t in IF_COLUMNS + IFX_COLUMNS if t in ("counter", "counter64")]

MAX = {"integer": 2**31 - 1, "gauge": 2**32 - 1, "counter": 2**32 - 1, "timeticks": 2**32 - 1,
       "counter64": 2**64 - 1}


def default_state():
    def iface(index, name, alias, speed_bps, hc, seed):
        d = {"ifIndex": index, "ifDescr": name, "ifName": name, "ifAlias": alias, "ifType": 6,
             "ifMtu": 1500, "ifSpeed": speed_bps, "ifHighSpeed": speed_bps // 1000000,
             "ifPhysAddress": "02:00:00:00:00:%02x" % index,
             "ifAdminStatus": 1, "ifOperStatus": 1, "ifLastChange": 0,
             "ifCounterDiscontinuityTime": 0, "hc": hc}
        for i, f in enumerate(COUNTER_FIELDS):
            if f in HC_FIELDS and not hc:
                continue
            d[f] = seed * 1000 + i
        return d
    return {
        "sysUpTime": 100000,
        "ifTableLastChange": 0,
        "interfaces": [
            iface(1, "eth0", "uplink (1G, 64-bit counters)", 1000000000, True, 1),
            iface(2, "eth1", "legacy (100M, 32-bit counters only)", 100000000, False, 2),
        ],
    }


def fmt_value(typ, v):
    if typ in ("string",):
        return str(v).replace("\r", " ").replace("\n", " ")
    if typ == "octet":
        s = str(v)
        if s == "":
            return '""'
        parts = s.replace("-", ":").split(":") if (":" in s or "-" in s) else None
        if parts and all(len(p) in (1, 2) and all(c in "0123456789abcdefABCDEF" for c in p) for p in parts):
            return " ".join("%02x" % int(p, 16) for p in parts)
        return " ".join("%02x" % b for b in s.encode("utf-8"))
    n = int(v)
    if n < 0 and typ != "integer":
        n = 0
    return str(min(n, MAX[typ]))


def build(state):
    """Return a sorted list of (oid tuple, type, value string)."""
    rows = []
    if state.get("sysUpTime") is not None:
        rows.append((SYS_UPTIME + (0,), "timeticks", fmt_value("timeticks", state["sysUpTime"])))
    ifaces = [i for i in state.get("interfaces") or [] if isinstance(i, dict) and "ifIndex" in i]
    n = state.get("ifNumber", len(ifaces))
    if n is not None:
        rows.append((IF_NUMBER + (0,), "integer", fmt_value("integer", n)))
    if state.get("ifTableLastChange") is not None:
        rows.append((IF_TABLE_LAST_CHANGE + (0,), "timeticks",
                     fmt_value("timeticks", state["ifTableLastChange"])))
    for itf in ifaces:
        idx = int(itf["ifIndex"])
        hc = itf.get("hc", True)
        values = dict(IF_DEFAULTS)
        values["ifDescr"] = itf.get("ifDescr") or itf.get("ifName") or "if%d" % idx
        values["ifName"] = itf.get("ifName") or itf.get("ifDescr") or "if%d" % idx
        for f in COUNTER_FIELDS:
            values[f] = 0
        values.update(itf)
        if itf.get("ifTable", True):
            for col, field, typ in IF_COLUMNS:
                if values.get(field) is not None:
                    rows.append((IF_ENTRY + (col, idx), typ, fmt_value(typ, values[field])))
        if itf.get("ifXTable", True):
            for col, field, typ in IFX_COLUMNS:
                if field in HC_FIELDS and not hc:
                    continue
                if values.get(field) is not None:
                    rows.append((IFX_ENTRY + (col, idx), typ, fmt_value(typ, values[field])))
    rows.sort(key=lambda r: r[0])
    return rows


def parse_oid(s):
    s = s.strip().lstrip(".")
    if not s:
        return ()
    return tuple(int(x) for x in s.split("."))


def oid_str(t):
    return "." + ".".join(str(x) for x in t)


def load(path):
    try:
        with open(path, "r", encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.stderr.write("ctl_agent_pass: cannot read %s: %s\n" % (path, e))
        return {}


def answer(state_path, root, cmd, oid):
    rows = [r for r in build(load(state_path)) if r[0][:len(root)] == root]
    if cmd == "get":
        for r in rows:
            if r[0] == oid:
                return r
        return None
    for r in rows:  # getnext: first OID strictly greater (tuple order = lexicographic OID order)
        if r[0] > oid:
            return r
    return None


def serve(state_path, root):
    rd, wr = sys.stdin, sys.stdout
    while True:
        line = rd.readline()
        if not line:
            return
        cmd = line.strip().lower()
        if cmd == "ping":
            wr.write("PONG\n")
        elif cmd in ("get", "getnext"):
            oline = rd.readline()
            if not oline:
                return
            try:
                r = answer(state_path, root, cmd, parse_oid(oline))
            except Exception as e:  # never die: snmpd would restart us, slowly
                sys.stderr.write("ctl_agent_pass: %s %s: %r\n" % (cmd, oline.strip(), e))
                r = None
            if r is None:
                wr.write("NONE\n")
            else:
                wr.write("%s\n%s\n%s\n" % (oid_str(r[0]), r[1], r[2]))
        elif cmd == "set":
            rd.readline()
            rd.readline()
            wr.write("not-writable\n")
        elif cmd == "":
            continue
        else:
            wr.write("NONE\n")
        wr.flush()


def write_state(path, state):
    """Atomic: write a temp file in the same directory, fsync, rename over the state file."""
    d = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(d, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1, sort_keys=True)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def parse_value(s):
    try:
        return json.loads(s)
    except ValueError:
        return s


def validate(state):
    if not isinstance(state, dict):
        raise ValueError("state must be a JSON object")
    ifs = state.get("interfaces", [])
    if not isinstance(ifs, list):
        raise ValueError("interfaces must be a list")
    seen = set()
    for itf in ifs:
        if not isinstance(itf, dict) or not isinstance(itf.get("ifIndex"), int) or itf["ifIndex"] < 1:
            raise ValueError("each interface needs an integer ifIndex >= 1: %r" % (itf,))
        if itf["ifIndex"] in seen:
            raise ValueError("duplicate ifIndex %d" % itf["ifIndex"])
        seen.add(itf["ifIndex"])
    build(state)  # raises on values that cannot be formatted


def apply_set(state, pairs):
    """pairs: [(KEY, VALUE)], KEY = TOPLEVEL | if.IFINDEX | if.IFINDEX.FIELD."""
    for key, raw in pairs:
        val = parse_value(raw)
        parts = key.split(".")
        if parts[0] == "if" and len(parts) in (2, 3):
            idx = int(parts[1])
            ifs = state.setdefault("interfaces", [])
            cur = [i for i in ifs if i.get("ifIndex") == idx]
            if len(parts) == 2:
                if val is None or val == "delete":
                    state["interfaces"] = [i for i in ifs if i.get("ifIndex") != idx]
                    continue
                if not isinstance(val, dict):
                    raise ValueError("if.%d takes a JSON object, null or delete" % idx)
                val = dict(val, ifIndex=idx)
                if cur:
                    cur[0].clear()
                    cur[0].update(val)
                else:
                    ifs.append(val)
                continue
            if not cur:
                cur = [{"ifIndex": idx}]
                ifs.append(cur[0])
                ifs.sort(key=lambda i: i.get("ifIndex", 0))
            if parts[2] == "ifIndex":
                raise ValueError("ifIndex cannot be changed with set; use set-json")
            cur[0][parts[2]] = val
        elif len(parts) == 1 and parts[0] != "interfaces":
            if val is None:
                state.pop(parts[0], None)
            else:
                state[parts[0]] = val
        else:
            raise ValueError("bad key %r (want NAME, if.IFINDEX or if.IFINDEX.FIELD)" % key)
    return state


def main(argv):
    if len(argv) >= 3 and argv[2] in ("--reset", "--set", "--set-json"):
        path, op = argv[1], argv[2]
        try:
            if op == "--reset":
                state = default_state()
            elif op == "--set":
                args = argv[3:]
                if not args or len(args) % 2:
                    raise ValueError("set takes KEY VALUE pairs")
                state = apply_set(load(path) if os.path.exists(path) else default_state(),
                                  list(zip(args[0::2], args[1::2])))
            else:
                doc = json.load(sys.stdin)
                if not isinstance(doc, dict):
                    raise ValueError("set-json wants a JSON object")
                state = load(path) if os.path.exists(path) else default_state()
                state.update(doc)
            validate(state)
        except (ValueError, TypeError, OverflowError) as e:
            sys.stderr.write("ctl-agent: %s\n" % e)
            return 1
        write_state(path, state)
        return 0
    if len(argv) >= 3 and argv[2] == "--default":
        json.dump(default_state(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if len(argv) >= 3 and argv[2] == "--dump":
        root = parse_oid(argv[3]) if len(argv) > 3 else ()
        for o, t, v in build(load(argv[1])):
            if o[:len(root)] == root:
                print("%s|%s|%s" % (oid_str(o), t, v))
        return 0
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    serve(argv[1], parse_oid(argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
