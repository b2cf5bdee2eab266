"""Helpers shared by the tests: the fake loader, a fake torch.distributed for threads,
free ports, and whether torch is importable here."""

import copy
import importlib.util
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
if sys.path[:1] != [PYTHON_DIR]:
    sys.path.insert(0, PYTHON_DIR)  # test the source tree, installed or not

HAVE_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = unittest.skipUnless(HAVE_TORCH, "torch is not importable by %s "
                                  "(use /usr/bin/python3 with python3-torch)" % sys.executable)


class FakeLoader:
    """An executable srv6-bpf stand-in in a temporary directory, and its call log."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="srv6-bpf-py-test-")
        self.path = os.path.join(self.dir, "srv6-bpf")
        self.log = os.path.join(self.dir, "calls.jsonl")
        with open(os.path.join(HERE, "fake_srv6_bpf.py")) as f:
            body = f.read()
        with open(self.path, "w") as f:
            f.write("#!%s\n%s" % (sys.executable, body))
        os.chmod(self.path, 0o755)

    def env(self, fail=None, delay=None):
        """Environment entries that make the package use this loader."""
        out = {"SRV6_BPF": self.path, "FAKE_SRV6_BPF_LOG": self.log}
        if fail:
            out["FAKE_SRV6_BPF_FAIL"] = fail
        if delay:
            out["FAKE_SRV6_BPF_DELAY"] = delay
        return out

    def calls(self, command=None):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            calls = [json.loads(line) for line in f if line.strip()]
        return [c for c in calls if command is None or c["command"] == command]

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class _Group:
    WORLD = None


class FakeWorld:
    """N ranks as threads of one process, with the few torch.distributed calls that
    program_job makes; all_gather_object really waits for every rank."""

    def __init__(self, size, backend="gloo"):
        self.size = size
        self.backend = backend
        self.slots = [None] * size
        self.barrier = threading.Barrier(size, timeout=60)
        self.world = object()
        self.new_groups = 0
        self.lock = threading.Lock()

    def rank(self, rank):
        return FakeDist(self, rank)


class FakeDist:
    def __init__(self, world, rank):
        self._w = world
        self._rank = rank
        self.GroupMember = type("GroupMember", (), {"WORLD": world.world})

    def is_initialized(self):
        return True

    def get_rank(self):
        return self._rank

    def get_world_size(self):
        return self._w.size

    def get_backend(self):
        return self._w.backend

    def is_gloo_available(self):
        return True

    def new_group(self, backend=None):
        with self._w.lock:
            self._w.new_groups += 1
        return "gloo-group"

    def all_gather_object(self, out, obj, group=None):
        if self._w.backend != "gloo":
            assert group == "gloo-group", "metadata must travel over a gloo group"
        self._w.slots[self._rank] = copy.deepcopy(obj)
        self._w.barrier.wait()
        out[:] = copy.deepcopy(self._w.slots)
        self._w.barrier.wait()


def run_ranks(size, target, backend="gloo"):
    """Run target(rank, dist) for every rank in threads; their return values in rank order
    (an exception is returned, not raised)."""
    world = FakeWorld(size, backend)
    results = [None] * size

    def body(rank):
        try:
            results[rank] = target(rank, world.rank(rank))
        except BaseException as exc:  # noqa: B902 - handed to the test
            results[rank] = exc

    threads = [threading.Thread(target=body, args=(r,)) for r in range(size)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, world


def lo_addresses():
    """Every address a host on lo has, as the package finds them (IPv6 first)."""
    from srv6_bpf import membership
    from srv6_bpf.config import Options

    return membership.host_addresses(Options(env={}, interface="lo"), socket.AF_INET6)[1]


def free_port(family=socket.AF_INET):
    host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def package_env(extra=None):
    """os.environ with the package importable from the source tree, plus extra."""
    env = dict(os.environ)
    path = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([PYTHON_DIR] + path)
    for key in ("SRV6_BPF", "SRV6_BPF_BPFFS", "SRV6_BPF_SOURCE", "SRV6_BPF_TOPOLOGY_FILE",
                "SRV6_BPF_PATHS", "SRV6_BPF_ADDRESS", "SRV6_BPF_STRICT", "SRV6_BPF_DRY_RUN",
                "SRV6_BPF_TIMEOUT", "SRV6_BPF_SYNC_ARGS", "SRV6_BPF_LAUNCH", "HOSTNAME",
                "HOSTNAME_PREFIX", "RANK", "WORLD_SIZE", "LOCAL_RANK", "GROUP_RANK",
                "MASTER_ADDR", "MASTER_PORT", "BACKEND_INTERFACE", "ROUTE_PLATFORM",
                "GLOO_SOCKET_IFNAME", "JALAPENO_API_ENDPOINT"):
        env.pop(key, None)
    env.update(extra or {})
    return env
