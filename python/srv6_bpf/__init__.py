"""srv6-bpf's PyTorch integration: a drop-in for the SRv6 PyTorch plugin.

    from srv6_bpf import SRv6Plugin
    plugin = SRv6Plugin(api_endpoint)
    if plugin.init_process_group():
        ...

or, with an unmodified training script: python -m srv6_bpf.launch -- torchrun ... train.py

torch is imported only when a process group is set up, so everything else works without it.
"""

from .config import Options
from .distributed import JobResult, SRv6Error
from .loader import LoaderError
from .plugin import DemoPlugin, SRv6Plugin

__version__ = "0.1.0"
__all__ = ["SRv6Plugin", "DemoPlugin", "SRv6Error", "LoaderError", "Options", "JobResult"]
