"""A stand-in for the srv6-bpf loader: records each call and answers as told.

Each call appends one JSON line to $FAKE_SRV6_BPF_LOG: argv, the environment variables the
real loader reads, the hosts file's text, its parent's pid, and monotonic start/end times.
  FAKE_SRV6_BPF_FAIL="CMD[@HOST]:STATUS:LINE"  exit STATUS after printing LINE on stderr
                                               when the command is CMD (and HOSTNAME=HOST)
  FAKE_SRV6_BPF_DELAY="CMD[@HOST]:SECONDS"     sleep before answering
Several rules may be given, separated by ';'.
Like the real one, `show dev DEV` fails ("not loaded") until `load DEV` succeeded on the
same host (HOSTNAME: the tests' hosts share one machine) with the same --bpffs; the state
lives beside the log. Standard library only.
"""

import json
import os
import sys
import time

ENV_KEYS = ("HOSTNAME", "MASTER_ADDR", "SRV6_BPF_BPFFS", "BACKEND_INTERFACE", "RANK",
            "JALAPENO_API_ENDPOINT", "TOPOLOGY_COLLECTION", "DEST_FUNCTION", "ROUTE_PLATFORM")


def command_of(argv):
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] == "--bpffs" else 1
    return argv[i] if i < len(argv) else None


def rules(name, cmd):
    for rule in filter(None, os.environ.get(name, "").split(";")):
        target, _, rest = rule.partition(":")
        rcmd, _, host = target.partition("@")
        if rcmd == cmd and (not host or host == os.environ.get("HOSTNAME")):
            yield rest


def main():
    start = time.monotonic()
    argv = sys.argv[1:]
    cmd = command_of(argv)
    hosts = None
    if "--hosts-file" in argv:
        with open(argv[argv.index("--hosts-file") + 1]) as f:
            hosts = f.read()
    for rest in rules("FAKE_SRV6_BPF_DELAY", cmd):
        time.sleep(float(rest))
    status, line = 0, None
    for rest in rules("FAKE_SRV6_BPF_FAIL", cmd):
        code, _, line = rest.partition(":")
        status = int(code)
    record = {"argv": argv, "command": cmd, "hosts": hosts, "ppid": os.getppid(),
              "env": {k: os.environ.get(k) for k in ENV_KEYS}, "status": status,
              "start": start, "end": time.monotonic()}
    with open(os.environ["FAKE_SRV6_BPF_LOG"], "a") as f:
        f.write(json.dumps(record) + "\n")
    if status:
        sys.stderr.write("some earlier noise\n%s\n" % line if line else "")
        return status
    return answer(argv, cmd)


def answer(argv, cmd):
    state = os.environ["FAKE_SRV6_BPF_LOG"] + ".loaded"
    bpffs = argv[argv.index("--bpffs") + 1] if "--bpffs" in argv else os.environ.get(
        "SRV6_BPF_BPFFS", "/sys/fs/bpf")
    rest = argv[argv.index(cmd) + 1:]
    host = os.environ.get("HOSTNAME", "")
    if cmd == "load":
        with open(state, "a") as f:
            f.write("%s %s %s\n" % (host, bpffs, rest[0]))
    elif cmd == "show":
        dev = rest[1]
        loaded = open(state).read().split("\n") if os.path.exists(state) else []
        if "%s %s %s" % (host, bpffs, dev) not in loaded:
            sys.stderr.write("srv6-bpf: srv6-bpf is not loaded on %s (run: srv6-bpf load %s)\n"
                             % (dev, dev))
            return 1
    print("ok %s" % cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
