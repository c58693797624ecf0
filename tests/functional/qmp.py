#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qmp.py KESTREL_SYSTEM_AARCH64 - QMP as a client sees it.

Boots the bare-metal monitor-guest.S on -M virt with two QMP monitors
(-qmp unix:...) and (-chardev socket + -mon mode=control) and a raw
virtio disk, then checks exact replies: the greeting, negotiation, each
command, errors (unknown command, bad arguments, malformed JSON, too
deep or too long input, with the connection and guest surviving), and
events in order on both clients (STOP/RESUME, RESET, POWERDOWN,
SHUTDOWN on quit).  Skips (77) without the cross binutils."""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from monitor_common import DATA, Checker, build_guest  # noqa: E402

TS = re.compile(r'\{"seconds": \d+, "microseconds": \d+\}')


class Client:
    def __init__(self, path):
        deadline = time.time() + 20
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.s.settimeout(20)
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("connection closed")
            self.buf += d
        ln, self.buf = self.buf.split(b"\r\n", 1)
        # Timestamps vary: keep the shape only.
        return TS.sub('{"seconds": S, "microseconds": U}', ln.decode())

    def send(self, text):
        self.s.sendall(text.encode() if isinstance(text, str) else text)

    def cmd(self, text):
        """Send text; return every line up to the reply."""
        self.send(text + "\n")
        out = []
        while True:
            ln = self.line()
            out.append(ln)
            if ln.startswith('{"return"') or '"error": {' in ln:
                return out


def ev(name, data=None):
    s = '{"timestamp": {"seconds": S, "microseconds": U}, "event": "%s"' \
        % name
    return s + (', "data": %s}' % data if data else "}")


def check_greeting(c, t, version):
    g = c.line()
    t.eq("greeting", g, '{"QMP": {"version": {"qemu": {"micro": 0, '
         '"minor": 2, "major": 7}, "package": "Kestrel %s"}, '
         '"capabilities": ["oob"]}}' % version)


def check_negotiation(c, t):
    t.eq("before qmp_capabilities", c.cmd('{"execute": "query-status"}'),
         ['{"error": {"class": "CommandNotFound", "desc": "Expecting '
          'capabilities negotiation with \'qmp_capabilities\'"}}'])
    t.eq("qmp_capabilities",
         c.cmd('{"execute": "qmp_capabilities", "id": "a"}'),
         ['{"return": {}, "id": "a"}'])
    t.eq("qmp_capabilities again", c.cmd('{"execute":"qmp_capabilities"}'),
         ['{"error": {"class": "CommandNotFound", "desc": "Capabilities '
          'negotiation is already complete, command ignored"}}'])


def check_queries(c, t, version, disk):
    t.eq("query-status", c.cmd('{"execute": "query-status", "id": 7}'),
         ['{"return": {"status": "running", "singlestep": false, '
          '"running": true}, "id": 7}'])
    t.eq("query-kvm", c.cmd('{"execute": "query-kvm"}'),
         ['{"return": {"enabled": false, "present": false}}'])
    t.eq("query-name", c.cmd('{"execute": "query-name"}'),
         ['{"return": {}}'])
    t.eq("query-version", c.cmd('{"execute": "query-version"}'),
         ['{"return": {"qemu": {"micro": 0, "minor": 2, "major": 7}, '
          '"package": "Kestrel %s"}}' % version])
    r = c.cmd('{"execute": "query-cpus-fast"}')
    m = re.fullmatch(r'\{"return": \[\{"thread-id": (\d+), (.*)\]\}', r[0])
    t.true("query-cpus-fast thread-id", m and int(m.group(1)) > 0, r)
    t.eq("query-cpus-fast", m and m.group(2),
         '"props": {"core-id": 0, "thread-id": 0, "socket-id": 0, '
         '"cluster-id": 0}, "qom-path": "/machine/unattached/device[0]", '
         '"cpu-index": 0, "target": "aarch64"}')
    t.eq("query-block", c.cmd('{"execute": "query-block"}'),
         ['{"return": [{"device": "drive0", "locked": false, "removable": '
          'false, "inserted": {"ro": false, "drv": "raw", "file": "%s", '
          '"image": {"virtual-size": 1048576, "filename": "%s", "format": '
          '"raw"}}, "type": "unknown"}]}' % (disk, disk)])
    names = json.loads(c.cmd('{"execute": "query-commands"}')[0])["return"]
    want = ["qmp_capabilities", "query-status", "stop", "cont",
            "system_reset", "system_powerdown", "quit", "query-cpus-fast",
            "query-block", "human-monitor-command", "query-version",
            "query-commands", "query-name", "query-kvm"]
    t.eq("query-commands", sorted(n["name"] for n in names), sorted(want))


def check_errors(c, t):
    t.eq("unknown command", c.cmd('{"execute": "foo", "id": 1}'),
         ['{"id": 1, "error": {"class": "CommandNotFound", "desc": "The '
          'command foo has not been found"}}'])
    t.eq("unexpected argument",
         c.cmd('{"execute": "query-status", "arguments": {"x": 1}}'),
         ['{"error": {"class": "GenericError", "desc": "Parameter \'x\' is '
          'unexpected"}}'])
    t.eq("missing argument", c.cmd('{"execute": "human-monitor-command"}'),
         ['{"error": {"class": "GenericError", "desc": "Parameter '
          '\'command-line\' is missing"}}'])
    t.eq("no execute", c.cmd('{"arguments": {}}'),
         ['{"error": {"class": "GenericError", "desc": "QMP input lacks '
          'member \'execute\'"}}'])
    r = c.cmd('{"execute": }')
    t.true("malformed JSON", len(r) == 1 and r[0].startswith(
        '{"error": {"class": "GenericError", "desc": "JSON parse error, '),
        r)
    t.eq("bare keyword", c.cmd("foo"),
         ['{"error": {"class": "GenericError", "desc": "JSON parse error, '
          'invalid keyword \'foo\'"}}'])
    t.eq("not an object", c.cmd("[1, 2]"),
         ['{"error": {"class": "GenericError", "desc": "QMP input must be '
          'a JSON object"}}'])
    t.eq("too deep", c.cmd("[" * 2000),
         ['{"error": {"class": "GenericError", "desc": "JSON parse error, '
          'nesting too deep"}}'])
    big = '{"execute": "' + "x" * (11 << 20)
    t.eq("too long", c.cmd(big),
         ['{"error": {"class": "GenericError", "desc": "JSON parse error, '
          'input too long"}}'])
    t.eq("survives", c.cmd('{"execute": "query-status"}'),
         ['{"return": {"status": "running", "singlestep": false, '
          '"running": true}}'])


def check_hmp(c, t):
    def hmp(line):
        return c.cmd(json.dumps({"execute": "human-monitor-command",
                                 "arguments": {"command-line": line}}))
    t.eq("hmp info status", hmp("info status"),
         ['{"return": "VM status: paused\\r\\n"}'])
    t.eq("hmp xp", hmp("xp /4wx 0x%x" % DATA),
         ['{"return": "%016x: 0xdeadbeef 0x01234567 0x89abcdef '
          '0x00c0ffee\\r\\n"}' % DATA])
    t.eq("hmp unknown", hmp("foo"),
         ['{"return": "unknown command: \'foo\'\\r\\n"}'])


def check_events(c, c2, t):
    t.eq("stop", c.cmd('{"execute": "stop"}'),
         [ev("STOP"), '{"return": {}}'])
    t.eq("stop on client 2", c2.line(), ev("STOP"))
    check_hmp(c, t)
    t.eq("cont", c.cmd('{"execute": "cont", "id": "c"}'),
         [ev("RESUME"), '{"return": {}, "id": "c"}'])
    t.eq("resume on client 2", c2.line(), ev("RESUME"))
    rst = ev("RESET", '{"guest": false, "reason": "host-qmp-system-reset"}')
    t.eq("system_reset", c.cmd('{"execute": "system_reset"}'),
         [rst, '{"return": {}}'])
    t.eq("reset on client 2", c2.line(), rst)
    t.eq("system_powerdown", c.cmd('{"execute": "system_powerdown"}'),
         [ev("POWERDOWN"), '{"return": {}}'])
    t.eq("powerdown on client 2", c2.line(), ev("POWERDOWN"))
    shut = ev("SHUTDOWN", '{"guest": false, "reason": "host-qmp-quit"}')
    t.eq("quit", c2.cmd('{"execute": "quit"}'), [shut, '{"return": {}}'])
    t.eq("shutdown on client 1", c.line(), shut)


def main():
    k = sys.argv[1]
    t = Checker()
    version = subprocess.run([k, "-version"], capture_output=True,
                             text=True).stdout.split()[-1]
    with tempfile.TemporaryDirectory() as tmp:
        guest = build_guest(tmp)
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        q1, q2 = os.path.join(tmp, "q1.sock"), os.path.join(tmp, "q2.sock")
        p = subprocess.Popen([
            k, "-M", "virt", "-m", "128", "-display", "none",
            "-kernel", guest, "-serial", "file:" + os.path.join(tmp, "s"),
            "-drive", "file=%s,format=raw,if=virtio" % disk,
            "-qmp", "unix:%s,server=on,wait=off" % q1,
            "-chardev", "socket,id=q2,path=%s,server=on,wait=off" % q2,
            "-mon", "chardev=q2,mode=control"])
        try:
            c, c2 = Client(q1), Client(q2)
            check_greeting(c, t, version)
            check_greeting(c2, t, version)
            check_negotiation(c, t)
            c2.cmd('{"execute": "qmp_capabilities"}')
            check_queries(c, t, version, disk)
            check_errors(c, t)
            check_events(c, c2, t)
            t.eq("exit status", p.wait(20), 0)
        finally:
            if p.poll() is None:
                p.kill()
    t.exit()


if __name__ == "__main__":
    main()
