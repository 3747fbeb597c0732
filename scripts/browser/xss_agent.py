"""An SNMP agent (an snmpsim recording written here) whose device-supplied text is hostile.

sysDescr, sysName, sysContact, sysLocation and every interface's ifDescr, ifName and ifAlias hold
classic XSS payloads. The interfaces' counters move (snmpsim's `numeric` variation), so the
dashboard draws graphs and tables for this device too. No payload refers to any host but
127.0.0.1, so even a successful injection would not send traffic off the box.
"""

# Each payload, if it ever ran, calls alert() or sets window.__pwned (the test checks both).
PAYLOADS = [
    "<script>alert('xss1');window.__pwned=1</script>",
    "<img src=x onerror=alert('xss2')>",
    "<svg onload=alert('xss3')>",
    "\"><script>alert('xss4')</script>",
    "'><img src=x onerror=alert('xss5')>",
    "javascript:alert('xss6')",
    "<iframe src=\"javascript:alert('xss7')\"></iframe>",
    "<body onload=alert('xss8')>",
    "<a href=\"javascript:alert('xss9')\">click</a>",
    "<details open ontoggle=alert('xss10')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss11')>",
    "{{constructor.constructor('alert(12)')()}}",
    "${alert('xss13')}",
    "<input autofocus onfocus=alert('xss14')>",
    "<video><source onerror=alert('xss15')>",
    "<object data=\"javascript:alert('xss16')\">",
    "</textarea><script>alert('xss17')</script>",
    "<scr<script>ipt>alert('xss18')</scr</script>ipt>",
    "<marquee onstart=alert('xss19')>x</marquee>",
    "&lt;img src=x onerror=alert('xss20')&gt;",
    "<base href=\"http://127.0.0.1:9/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('xss22')\">",
    "<style>@import 'http://127.0.0.1:9/x.css';</style>",
    "'-alert('xss24')-'",
    "<svg><script>alert('xss25')</script></svg>",
    "<img src=\"x\" onerror=\"window.__pwned=1\">",
]

SYS_NAME = "<script>alert('sysName')</script>xss-agent"
SYS_DESCR = "<img src=x onerror=alert('sysDescr')> Hostile Linux 5.10 <b>bold</b>"
SYS_CONTACT = "<svg/onload=alert('sysContact')>"
SYS_LOCATION = "\"><iframe src=javascript:alert('sysLocation')>"


def _hex(text):
    return text.encode().hex()


def _oid_key(line):
    return [int(part) for part in line.split("|", 1)[0].split(".")]


def recording():
    """The .snmprec text: system group, ifTable and ifXTable for one interface per payload."""
    lines = [
        f"1.3.6.1.2.1.1.1.0|4x|{_hex(SYS_DESCR)}",
        "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10",
        "1.3.6.1.2.1.1.3.0|67:numeric|rate=100,initial=1000",
        f"1.3.6.1.2.1.1.4.0|4x|{_hex(SYS_CONTACT)}",
        f"1.3.6.1.2.1.1.5.0|4x|{_hex(SYS_NAME)}",
        f"1.3.6.1.2.1.1.6.0|4x|{_hex(SYS_LOCATION)}",
        "1.3.6.1.2.1.1.7.0|2|72",
        f"1.3.6.1.2.1.2.1.0|2|{len(PAYLOADS)}",
    ]
    n = len(PAYLOADS)
    for i in range(1, n + 1):
        name, alias, descr = PAYLOADS[i - 1], PAYLOADS[i % n], PAYLOADS[(i + 1) % n]
        rate = 10_000 * i
        t = "1.3.6.1.2.1.2.2.1"
        x = "1.3.6.1.2.1.31.1.1.1"
        lines += [
            f"{t}.1.{i}|2|{i}",
            f"{t}.2.{i}|4x|{_hex(descr)}",
            f"{t}.3.{i}|2|6",
            f"{t}.4.{i}|2|1500",
            f"{t}.5.{i}|66|1000000000",
            f"{t}.6.{i}|4x|0200000000{i:02x}",
            f"{t}.7.{i}|2|1",
            f"{t}.8.{i}|2|{1 if i % 5 else 2}",
            f"{t}.9.{i}|67|0",
            f"{t}.10.{i}|65:numeric|rate={rate},initial=0,wrap=1",
            f"{t}.11.{i}|65:numeric|rate={rate // 1000},initial=0,wrap=1",
            f"{t}.13.{i}|65|0",
            f"{t}.14.{i}|65:numeric|rate={i % 3},initial=0,wrap=1",
            f"{t}.16.{i}|65:numeric|rate={rate // 2},initial=0,wrap=1",
            f"{t}.17.{i}|65:numeric|rate={rate // 2000},initial=0,wrap=1",
            f"{t}.19.{i}|65|0",
            f"{t}.20.{i}|65|0",
            f"{x}.1.{i}|4x|{_hex(name)}",
            f"{x}.6.{i}|70:numeric|rate={rate},initial=0",
            f"{x}.7.{i}|70:numeric|rate={rate // 1000},initial=0",
            f"{x}.10.{i}|70:numeric|rate={rate // 2},initial=0",
            f"{x}.11.{i}|70:numeric|rate={rate // 2000},initial=0",
            f"{x}.15.{i}|66|1000",
            f"{x}.18.{i}|4x|{_hex(alias)}",
        ]
    return "\n".join(sorted(lines, key=_oid_key)) + "\n"


if __name__ == "__main__":
    import sys
    sys.stdout.write(recording())
