"""Put on PYTHONPATH by `python -m srv6_bpf.launch`: makes every Python process of the job
program srv6-bpf right after torch.distributed.init_process_group (see srv6_bpf.hook).
Then runs the sitecustomize this one hides, if any."""

import importlib.machinery
import importlib.util
import os
import sys


def _load_srv6_bpf():
    # The package is this directory's parent; load it from there without putting its whole
    # site directory on sys.path (it may belong to another Python).
    if "srv6_bpf" in sys.modules:
        return sys.modules["srv6_bpf"]
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.spec_from_file_location(
        "srv6_bpf", os.path.join(pkg, "__init__.py"), submodule_search_locations=[pkg])
    module = importlib.util.module_from_spec(spec)
    sys.modules["srv6_bpf"] = module
    spec.loader.exec_module(module)
    return module


def _run_hidden_sitecustomize():
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


if os.environ.get("SRV6_BPF_LAUNCH") == "1":
    try:
        _load_srv6_bpf()
        import srv6_bpf.hook

        srv6_bpf.hook.install()
    except Exception as exc:  # never break the interpreter's start
        sys.stderr.write("srv6-bpf WARNING launcher hook not installed: %s\n" % exc)
_run_hidden_sitecustomize()
