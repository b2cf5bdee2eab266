"""Options of the plugin and the launcher: keyword arguments override the environment, which
overrides the defaults. Variables the C loader reads itself (JALAPENO_API_ENDPOINT,
TOPOLOGY_COLLECTION, DEST_FUNCTION, ROUTE_*, SRV6_ENCAP_MODE, SRV6_BPF_BPFFS, ...) reach it
unchanged through its environment; only explicit options become loader flags."""

import os
import shlex
import socket

from . import netinfo

SOURCES = ("topology", "jalapeno-load", "jalapeno-best-paths")
# The planner's collision-aware paths: the reason to use srv6-bpf rather than the plugin.
DEFAULT_SOURCE = "topology"
DEFAULT_INTERFACE = "net1"
DEFAULT_TIMEOUT = 300.0  # seconds for one loader run; the loader has its own HTTP timeouts
PATHS_MAX = 8
# Which of a host's backend addresses are peers: gloo and NCCL may use either family,
# whatever MASTER_ADDR's is, so both by default (the loader's --family).
FAMILIES = {"both": (socket.AF_INET6, socket.AF_INET), "6": (socket.AF_INET6,),
            "4": (socket.AF_INET,)}
DEFAULT_FAMILY = "both"

# option name -> environment variable (None: keyword only)
ENV = {
    "api_endpoint": None,  # the loader reads JALAPENO_API_ENDPOINT itself
    "interface": "BACKEND_INTERFACE",
    "source": "SRV6_BPF_SOURCE",
    "topology_file": "SRV6_BPF_TOPOLOGY_FILE",
    "collection": None,  # TOPOLOGY_COLLECTION reaches the loader directly
    "dest_function": None,  # DEST_FUNCTION reaches the loader directly
    "paths": "SRV6_BPF_PATHS",
    "bpffs": None,  # SRV6_BPF_BPFFS reaches the loader directly
    "loader": "SRV6_BPF",
    "address": "SRV6_BPF_ADDRESS",
    "family": "SRV6_BPF_FAMILY",  # the loader reads it too; we pass --family explicitly
    "strict": "SRV6_BPF_STRICT",
    "dry_run": "SRV6_BPF_DRY_RUN",
    "timeout": "SRV6_BPF_TIMEOUT",
    "sync_args": "SRV6_BPF_SYNC_ARGS",
}

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def parse_bool(text, what):
    value = str(text).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError("%s=%r: give 1 or 0" % (what, text))


class Options:
    """Resolved, validated options. Attributes are the keys of ENV."""

    __slots__ = tuple(ENV)

    def __init__(self, env=None, **kwargs):
        env = os.environ if env is None else env
        unknown = sorted(set(kwargs) - set(ENV))
        if unknown:
            raise TypeError("unknown srv6_bpf option(s) %s; known: %s"
                            % (", ".join(unknown), ", ".join(sorted(ENV))))

        def get(name, default=None):
            if kwargs.get(name) is not None:
                return kwargs[name], name
            var = ENV[name]
            if var and env.get(var, "") != "":
                return env[var], var
            return default, name

        self.api_endpoint = get("api_endpoint")[0] or None
        self.interface = get("interface", DEFAULT_INTERFACE)[0]
        self.source, what = get("source", DEFAULT_SOURCE)
        if self.source not in SOURCES:
            raise ValueError("%s=%r: use one of %s" % (what, self.source, ", ".join(SOURCES)))
        self.topology_file = get("topology_file")[0] or None
        if self.topology_file and self.source != "topology":
            raise ValueError("a topology file goes with source topology, not %s" % self.source)
        self.collection = get("collection")[0] or None
        self.dest_function = get("dest_function")[0] or None
        paths, what = get("paths")
        if paths is not None:
            try:
                paths = int(paths)
            except (TypeError, ValueError):
                paths = 0
            if not 1 <= paths <= PATHS_MAX:
                raise ValueError("%s: give 1-%d paths per peer" % (what, PATHS_MAX))
        self.paths = paths
        self.bpffs = get("bpffs")[0] or None
        self.loader = get("loader")[0] or None
        address, what = get("address")
        self.address = None
        if address:
            # One address, or two of different families: "2001:db8::1,192.0.2.1".
            try:
                addrs = [netinfo.normalize_address(a) for a in str(address).split(",")]
            except ValueError:
                raise ValueError("%s=%r is not an IP address (or an IPv6 and an IPv4 one, "
                                 "comma separated)" % (what, address)) from None
            if len({netinfo.family_of(a) for a in addrs}) != len(addrs):
                raise ValueError("%s=%r: give at most one address a family" % (what, address))
            self.address = ",".join(addrs)
        family, what = get("family", DEFAULT_FAMILY)
        self.family = str(family)
        if self.family not in FAMILIES:
            raise ValueError("%s=%r: use one of %s" % (what, family, ", ".join(FAMILIES)))
        if self.address and not any(netinfo.family_of(a) in self.families
                                    for a in self.addresses):
            raise ValueError("address %s is not of family %s" % (self.address, self.family))
        strict, what = get("strict", False)
        self.strict = strict if isinstance(strict, bool) else parse_bool(strict, what)
        dry_run, what = get("dry_run", False)
        self.dry_run = dry_run if isinstance(dry_run, bool) else parse_bool(dry_run, what)
        timeout, what = get("timeout", DEFAULT_TIMEOUT)
        try:
            self.timeout = float(timeout)
        except (TypeError, ValueError):
            self.timeout = 0.0
        if not self.timeout > 0:
            raise ValueError("%s=%r: give seconds, more than 0" % (what, timeout))
        sync_args = get("sync_args", ())[0]
        self.sync_args = tuple(shlex.split(sync_args) if isinstance(sync_args, str) else sync_args)

    @property
    def addresses(self):
        """The explicit addresses (SRV6_BPF_ADDRESS), [] when the interface's are used."""
        return self.address.split(",") if self.address else []

    @property
    def families(self):
        """The address families of the peers, (AF_INET6, AF_INET) for both."""
        return FAMILIES[self.family]

    def sync_flags(self):
        """The loader's sync flags for what was chosen here (dev and hosts file excluded)."""
        flags = ["--source", self.source, "--family", self.family]
        if self.topology_file:
            flags += ["--topology-file", self.topology_file]
        if self.api_endpoint:
            flags += ["--endpoint", self.api_endpoint]
        if self.collection:
            flags += ["--collection", self.collection]
        if self.dest_function:
            flags += ["--dest-function", self.dest_function]
        if self.paths is not None:
            flags += ["--paths", str(self.paths)]
        if self.dry_run:
            flags.append("--dry-run")
        return flags + list(self.sync_args)

    def to_env(self):
        """The environment that gives these options to another process (the launcher's
        children): only what differs from an empty environment's defaults."""
        out = {}
        if self.api_endpoint:
            out["JALAPENO_API_ENDPOINT"] = self.api_endpoint
        if self.collection:
            out["TOPOLOGY_COLLECTION"] = self.collection
        if self.dest_function:
            out["DEST_FUNCTION"] = self.dest_function
        if self.bpffs:
            out["SRV6_BPF_BPFFS"] = self.bpffs
        out["BACKEND_INTERFACE"] = self.interface
        out["SRV6_BPF_SOURCE"] = self.source
        for name in ("topology_file", "paths", "loader", "address"):
            value = getattr(self, name)
            if value is not None:
                out[ENV[name]] = str(value)
        if self.family != DEFAULT_FAMILY:
            out["SRV6_BPF_FAMILY"] = self.family
        if self.strict:
            out["SRV6_BPF_STRICT"] = "1"
        if self.dry_run:
            out["SRV6_BPF_DRY_RUN"] = "1"
        if self.timeout != DEFAULT_TIMEOUT:
            out["SRV6_BPF_TIMEOUT"] = repr(self.timeout)
        if self.sync_args:
            out["SRV6_BPF_SYNC_ARGS"] = " ".join(shlex.quote(a) for a in self.sync_args)
        return out

    def __repr__(self):
        return "Options(%s)" % ", ".join("%s=%r" % (k, getattr(self, k)) for k in ENV)
