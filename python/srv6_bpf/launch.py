"""python -m srv6_bpf.launch [OPTIONS] -- COMMAND [ARGS...]

Runs COMMAND (`torchrun ... train.py`, or `python train.py` with RANK, WORLD_SIZE,
MASTER_ADDR and MASTER_PORT set) with an unmodified training script, and makes every
Python process it starts do what SRv6Plugin.init_process_group does, right after the
script's own torch.distributed.init_process_group: gather the job's membership, program
this host's paths with srv6-bpf (one process per host), and wait until every host is
programmed.

How: the launcher validates its options, passes them on as environment variables, puts
srv6_bpf/_boot (a sitecustomize) first on PYTHONPATH and execs COMMAND. Every Python
process of the job then wraps torch.distributed.init_process_group when it imports
torch.distributed (srv6_bpf.hook). No rendezvous of its own, no parsing of torchrun's
arguments: the job's own process group carries the gather and the barrier.
"""

import argparse
import os
import sys

from .config import SOURCES, Options
from .distributed import SOCKET_IFNAME_VARS, default_socket_ifname, socket_ifname_message
from .hook import ACTIVE_ENV
from .loader import LoaderError, find_loader

BOOT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_boot")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def build_parser():
    p = argparse.ArgumentParser(
        prog="python -m srv6_bpf.launch",
        description="Run a PyTorch job so that every host programs its SRv6 paths with "
                    "srv6-bpf right after torch.distributed.init_process_group, with an "
                    "unmodified training script.",
        epilog="Every option also comes from the environment (see the README); options win. "
               "Example: python -m srv6_bpf.launch --source topology -- torchrun "
               "--nnodes 4 --nproc_per_node 8 --node_rank $N --master_addr $M train.py")
    a = p.add_argument
    a("--endpoint", dest="api_endpoint", metavar="URL",
      help="Jalapeño API base (env JALAPENO_API_ENDPOINT)")
    a("--source", choices=SOURCES, help="where paths come from (env SRV6_BPF_SOURCE, "
      "default topology: collision-aware paths planned from the topology)")
    a("--topology-file", metavar="FILE", help="topology JSON, no API server needed "
      "(env SRV6_BPF_TOPOLOGY_FILE)")
    a("--collection", help="graph collection (env TOPOLOGY_COLLECTION)")
    a("--dest-function", metavar="HEX", help="uSID appended to each path (env DEST_FUNCTION)")
    a("--paths", type=int, metavar="K", help="paths per peer, 1-8 (env SRV6_BPF_PATHS)")
    a("--interface", metavar="DEV", help="backend interface (env BACKEND_INTERFACE, "
      "default net1)")
    a("--bpffs", metavar="DIR", help="bpffs mount for the pins (env SRV6_BPF_BPFFS)")
    a("--loader", metavar="PATH", help="the srv6-bpf binary (env SRV6_BPF, default: PATH)")
    a("--address", metavar="ADDR[,ADDR]", help="this host's backend address(es), an IPv6 "
      "and an IPv4 one comma separated, instead of the interface's (env SRV6_BPF_ADDRESS)")
    a("--family", choices=("both", "6", "4"), help="which of each host's addresses on the "
      "interface are steered (env SRV6_BPF_FAMILY, default both)")
    a("--strict", action="store_true", default=None, help="fail the job (init_process_group "
      "raises) when any host cannot be programmed (env SRV6_BPF_STRICT=1)")
    a("--dry-run", action="store_true", default=None, help="plan and print, change nothing "
      "(env SRV6_BPF_DRY_RUN=1)")
    a("--timeout", type=float, metavar="S", help="seconds for one loader run "
      "(env SRV6_BPF_TIMEOUT, default 300)")
    a("--sync-arg", action="append", dest="sync_args", metavar="ARG",
      help="extra argument for srv6-bpf sync, repeatable, e.g. --sync-arg=--cacert "
      "--sync-arg=/etc/ca.pem (env SRV6_BPF_SYNC_ARGS)")
    a("--log-level", type=str.upper, choices=LOG_LEVELS,
      help="level of srv6-bpf's log lines in the job (env SRV6_BPF_LOG_LEVEL, default INFO)")
    a("command", nargs=argparse.REMAINDER, help="the job: torchrun ... or python train.py")
    return p


def parse(argv, env):
    """(Options, command, log level) from argv; exits with status 2 on a usage error."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        parser.error("no command: give one after --, e.g. -- torchrun ... train.py")
    names = ("api_endpoint", "source", "topology_file", "collection", "dest_function", "paths",
             "interface", "bpffs", "loader", "address", "family", "strict", "dry_run",
             "timeout", "sync_args")
    try:
        options = Options(env=env, **{n: getattr(args, n) for n in names})
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))
    return options, command, args.log_level


def child_env(options, env, log_level=None):
    """The job's environment: env, the options, the hook switched on and first on
    PYTHONPATH, and gloo's and NCCL's sockets on the backend interface unless the user
    named one (distributed.default_socket_ifname)."""
    out = dict(env)
    out.update(options.to_env())
    default_socket_ifname(options.interface, out)
    out[ACTIVE_ENV] = "1"
    if log_level:
        out["SRV6_BPF_LOG_LEVEL"] = log_level
    path = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != BOOT_DIR]
    out["PYTHONPATH"] = os.pathsep.join([BOOT_DIR] + path)
    return out


def main(argv=None, env=None):
    env = dict(os.environ if env is None else env)
    options, command, log_level = parse(sys.argv[1:] if argv is None else argv, env)
    try:
        # Resolved once here, so the job finds the same binary whatever its PATH.
        options.loader = find_loader(options.loader, env)
    except LoaderError as exc:
        if options.strict:
            sys.stderr.write("srv6-bpf launch: %s\n" % exc)
            return 1
        sys.stderr.write("srv6-bpf launch: WARNING %s; the job runs unsteered\n" % exc)
    job_env = child_env(options, env, log_level)
    if not any(env.get(v) for v in SOCKET_IFNAME_VARS) and options.interface:
        sys.stderr.write("srv6-bpf launch: %s\n" % socket_ifname_message(options.interface))
    try:
        os.execvpe(command[0], command, job_env)
    except OSError as exc:
        sys.stderr.write("srv6-bpf launch: cannot run %s: %s\n" % (command[0], exc.strerror))
        return 127


if __name__ == "__main__":
    sys.exit(main())
