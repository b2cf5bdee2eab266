"""The job-wide flow, run by every rank after torch.distributed is initialised:

1. all_gather every rank's node info (host name, backend address, rank, local rank);
2. on each host, one process (the lowest LOCAL_RANK) writes the membership as a hosts file
   and runs the loader: `srv6-bpf load DEV` unless `show dev DEV` finds it loaded (or
   ROUTE_PLATFORM=linux, or a dry run), then `srv6-bpf sync dev DEV --hosts-file F ...`;
3. all_gather every host's outcome: this is the barrier (nobody returns before every host
   is programmed) and gives every rank the same verdict, so with strict=True either every
   rank raises or none does.

torch is imported here, lazily: the rest of the package works without it.
"""

import logging
import os
import tempfile

from . import membership, netinfo
from .loader import Loader, LoaderError

log = logging.getLogger("srv6_bpf")

DEFAULT_MASTER_PORT = "29500"


class SRv6Error(RuntimeError):
    """srv6-bpf could not program the job (raised only with strict=True)."""


class JobResult:
    """What program_job found and did. ok: every host of the job was programmed."""

    def __init__(self, ok, message, hosts=(), failures=()):
        self.ok = ok
        self.message = message
        self.hosts = list(hosts)  # [membership.Host], rank order
        self.failures = list(failures)  # [(host name, error line)]
        self.programmed_here = False  # this process ran the loader for its host

    def __repr__(self):
        return "JobResult(ok=%r, message=%r)" % (self.ok, self.message)


def ensure_logging(env=None):
    """Make our INFO lines visible, as the plugin did, without touching a logging setup the
    application made itself: a handler of our own only when nobody configured one."""
    env = os.environ if env is None else env
    logger = logging.getLogger("srv6_bpf")
    if logger.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("srv6-bpf %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False
    level = logging.getLevelName((env.get("SRV6_BPF_LOG_LEVEL", "") or "INFO").upper())
    logger.setLevel(level if isinstance(level, int) else logging.INFO)


# --- initialisation ------------------------------------------------------------------

def master_address(env=None, init_method=None):
    """MASTER_ADDR without brackets, else the host of a tcp:// init_method, else None."""
    env = os.environ if env is None else env
    if env.get("MASTER_ADDR"):
        return netinfo.unbracket(env["MASTER_ADDR"])
    if init_method and init_method.startswith("tcp://"):
        from urllib.parse import urlsplit

        return urlsplit(init_method).hostname
    return None


def tcp_init_method(env=None):
    """The plugin's init_method: tcp://MASTER_ADDR:MASTER_PORT, an IPv6 address bracketed."""
    env = os.environ if env is None else env
    addr = env.get("MASTER_ADDR", "") or "localhost"
    port = env.get("MASTER_PORT", "") or DEFAULT_MASTER_PORT
    return "tcp://%s:%s" % (netinfo.bracket(addr), port)


SOCKET_IFNAME_VARS = ("GLOO_SOCKET_IFNAME", "NCCL_SOCKET_IFNAME")


def default_socket_ifname(interface, env=None):
    """Point gloo's and NCCL's sockets at the backend interface when the user set neither
    variable (an explicit setting always wins), before torch reads them: without it gloo
    announces the host name's address, often loopback or another interface, whose traffic
    srv6-bpf does not steer. Returns the variables set (empty: the user's stand)."""
    env = os.environ if env is None else env
    if not interface or any(env.get(v) for v in SOCKET_IFNAME_VARS):
        return []
    for v in SOCKET_IFNAME_VARS:
        env[v] = interface
    return list(SOCKET_IFNAME_VARS)


def socket_ifname_message(interface):
    return ("GLOO_SOCKET_IFNAME and NCCL_SOCKET_IFNAME unset: both set to %s, the backend "
            "interface, so the collectives' traffic is steered" % interface)


def init_distributed(backend, kwargs, env=None):
    """Initialise the default process group as the plugin does (tcp:// from MASTER_ADDR and
    MASTER_PORT, rank and world size from RANK and WORLD_SIZE) unless kwargs say otherwise
    (init_method, store, rank, world_size pass through). Returns the master address."""
    import torch.distributed as dist

    env = os.environ if env is None else env
    kwargs = dict(kwargs)
    if dist.is_initialized():
        return master_address(env, kwargs.get("init_method"))
    if "store" not in kwargs and not kwargs.get("init_method"):
        kwargs["init_method"] = tcp_init_method(env)
    if "store" in kwargs or kwargs["init_method"].startswith("tcp://"):
        kwargs.setdefault("rank", int(env.get("RANK", "") or 0))
        kwargs.setdefault("world_size", int(env.get("WORLD_SIZE", "") or 2))
    dist.init_process_group(backend=backend, **kwargs)
    log.info("rank %d: process group ready: backend %s, world size %d, init %s",
             dist.get_rank(), dist.get_backend(), dist.get_world_size(),
             kwargs.get("init_method") or "store")
    return master_address(env, kwargs.get("init_method"))


# --- the job flow --------------------------------------------------------------------

def _metadata_group(dist):
    """Our few small objects travel over gloo: the default group when it is gloo, else a
    gloo group of all ranks (every rank runs this, so new_group's collective matches)."""
    if dist.get_backend() == "gloo" or not dist.is_gloo_available():
        return None
    return dist.new_group(backend="gloo")


def _all_gather(dist, obj, group, world):
    out = [None] * world
    dist.all_gather_object(out, obj, group=group)
    return out


def _program_host(options, hosts, host, env, master_addr, rank):
    """Run the loader for this host; a result dict, never an exception."""
    result = {"host": host.name, "rank": rank, "ok": False, "error": None}
    path = None
    try:
        loader = Loader(options, env)
        if loader.needs_load() and not loader.is_loaded():
            loader.load()
            log.info("rank %d: %s: datapath loaded on %s", rank, host.name, options.interface)
        fd, path = tempfile.mkstemp(prefix="srv6-bpf-hosts-", suffix=".txt")
        with os.fdopen(fd, "w") as f:
            f.write(membership.hosts_file_text(hosts))
        extra = {} if env.get("MASTER_ADDR") or not master_addr else {"MASTER_ADDR": master_addr}
        out = loader.sync(path, host.name, extra)
        if out.strip():
            log.debug("rank %d: %s: srv6-bpf sync said: %s", rank, host.name,
                      " | ".join(out.strip().splitlines()))
        log.info("rank %d: %s: paths to %s %s on %s (source %s)", rank, host.name,
                 _count(len(hosts) - 1, "peer"), "planned (dry run)" if options.dry_run else "programmed",
                 options.interface, options.source)
        result["ok"] = True
    except LoaderError as exc:
        result["error"] = str(exc)
        log.error("rank %d: %s: srv6-bpf failed: %s", rank, host.name, exc)
    except Exception as exc:  # keep every rank in the collectives, whatever happened here
        result["error"] = "%s: %s" % (type(exc).__name__, exc)
        log.error("rank %d: %s: programming failed: %s", rank, host.name, result["error"])
    finally:
        if path:
            try:
                os.unlink(path)
            except OSError:
                pass
    return result


def _warn_if_gloo_misses(dist, host, options, rank, env):
    if dist.get_backend() != "gloo":
        return
    announced = [a.split("%")[0] for a in netinfo.gloo_addresses(env) or []]
    missed = [a for a in announced if a not in host.addresses]
    if missed:
        how = ("GLOO_SOCKET_IFNAME=%s" % env["GLOO_SOCKET_IFNAME"]
               if env.get("GLOO_SOCKET_IFNAME") else "the host name resolves to it")
        log.warning("rank %d: gloo announces %s (%s), not a backend address (%s): that "
                    "traffic is not steered; set GLOO_SOCKET_IFNAME=%s or make the host name "
                    "resolve to %s", rank, ",".join(missed), how, " ".join(host.addresses),
                    options.interface, host.address)


def _count(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def _failure(message, hosts=(), failures=()):
    return JobResult(False, message, hosts, failures)


# The result for the current default process group, so that a training script that uses
# SRv6Plugin under the launcher does not program twice.
_done = {}


def _world_key(dist):
    return id(dist.GroupMember.WORLD)


def previous_result(dist=None):
    """program_job's result for the current process group, or None."""
    if dist is None:
        import torch.distributed as dist

    return _done.get(_world_key(dist)) if dist.is_initialized() else None


def program_job(options, master_addr=None, env=None, dist=None):
    """Gather, program, barrier. Every rank of the default group must call it (it runs
    collectives). Returns a JobResult; raises only if a collective itself fails.
    dist: torch.distributed (tests pass a stand-in)."""
    if dist is None:
        import torch.distributed as dist

    env = dict(os.environ if env is None else env)
    if master_addr is None:
        master_addr = master_address(env)
    rank, world = dist.get_rank(), dist.get_world_size()
    group = _metadata_group(dist)
    # MASTER_ADDR's family only picks the address a host is named by; all are steered.
    info = membership.node_info(rank, options, netinfo.family_for_master(master_addr), env)
    if info["error"]:
        log.error("rank %d: %s", rank, info["error"])
    nodes = _all_gather(dist, info, group, world)
    bad = [n for n in nodes if n["error"]]
    if bad:
        message = ("no paths programmed: %d of %d ranks could not tell their host (rank %d: %s)"
                   % (len(bad), world, bad[0]["rank"], bad[0]["error"]))
        _done[_world_key(dist)] = result = _failure(message)
        return _finish(result, rank, options)

    try:  # every rank groups the same nodes: all fail alike or none does
        hosts, programmers = membership.group_hosts(nodes)
    except ValueError as exc:
        _done[_world_key(dist)] = result = _failure("no paths programmed: %s" % exc)
        return _finish(result, rank, options)
    key = membership.host_key(info["addresses"])
    host = next(h for h in hosts if membership.host_key(h.addresses) == key)
    programmer = programmers[key]
    log.info("rank %d: job of %s (%s); this is %s %s (rank %d), programmed by rank %d",
             rank, _count(len(hosts), "host"), _count(world, "rank"), host.name,
             " ".join(host.addresses), host.rank, programmer)

    outcome = None
    if programmer == rank:
        outcome = _program_host(options, hosts, host, env, master_addr, rank)
    outcomes = _all_gather(dist, outcome, group, world)  # the barrier

    failures = [(o["host"], o["error"]) for o in outcomes if o and not o["ok"]]
    if failures:
        message = ("srv6-bpf failed on %d of %s (%s: %s)"
                   % (len(failures), _count(len(hosts), "host"), failures[0][0], failures[0][1]))
        result = _failure(message, hosts, failures)
    else:
        verb = "planned (dry run)" if options.dry_run else "programmed"
        result = JobResult(True, "%s %s" % (_count(len(hosts), "host"), verb), hosts)
    result.programmed_here = programmer == rank
    if result.programmed_here:  # once per host; resolving the host name may be slow
        _warn_if_gloo_misses(dist, host, options, rank, env)
    _done[_world_key(dist)] = result
    return _finish(result, rank, options)


def _finish(result, rank, options):
    if result.ok:
        log.info("rank %d: %s; %s", rank, result.message,
                 "nothing changed" if options.dry_run else "training traffic is steered")
    elif options.strict:
        log.error("rank %d: %s", rank, result.message)
    else:
        log.error("rank %d: %s; training continues unsteered", rank, result.message)
    return result
