"""What the launcher installs in every Python process it starts: when torch.distributed is
imported, its init_process_group is wrapped so that, once the process group exists, the job
flow of distributed.program_job runs (gather, program, barrier) before the training script
goes on. Nothing else changes, and a process that never initialises a process group (the
torchrun agent, data loader workers) never runs it."""

import functools
import importlib.abc
import logging
import os
import sys

log = logging.getLogger("srv6_bpf")

TARGET = "torch.distributed"
ACTIVE_ENV = "SRV6_BPF_LAUNCH"


class _Loader(importlib.abc.Loader):
    """torch.distributed's own loader, patching the module once it has run."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        patch(module)

    def __getattr__(self, name):  # get_source, is_package, ... of the real loader
        return getattr(self._loader, name)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def install():
    """Wrap init_process_group now if torch.distributed is loaded, else when it is."""
    if TARGET in sys.modules:
        patch(sys.modules[TARGET])
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def patch(module):
    original = getattr(module, "init_process_group", None)
    if original is None or getattr(original, "_srv6_bpf", False):
        return

    @functools.wraps(original)
    def init_process_group(*args, **kwargs):
        ret = original(*args, **kwargs)
        _program(args, kwargs)
        return ret

    init_process_group._srv6_bpf = True
    module.init_process_group = init_process_group
    c10d = sys.modules.get(TARGET + ".distributed_c10d")
    if c10d is not None and getattr(c10d, "init_process_group", None) is original:
        c10d.init_process_group = init_process_group


def _program(args, kwargs):
    from . import distributed
    from .config import Options

    distributed.ensure_logging()
    try:
        options = Options()
    except (TypeError, ValueError) as exc:
        log.error("srv6-bpf options: %s; paths not programmed", exc)
        return
    init_method = kwargs.get("init_method")
    if init_method is None and len(args) > 1 and isinstance(args[1], str):
        init_method = args[1]
    master = distributed.master_address(os.environ, init_method)
    try:
        result = distributed.program_job(options, master)
    except Exception as exc:  # a collective failed: a rank died or timed out
        if options.strict:
            raise distributed.SRv6Error("srv6-bpf job setup failed: %s" % exc) from exc
        log.error("srv6-bpf job setup failed: %s", exc)
        return
    if not result.ok and options.strict:
        raise distributed.SRv6Error(result.message)
