"""A stand-in for torch in the launcher tests run by a Python without torch: like the real
one, importing torch imports torch.distributed."""

from . import distributed  # noqa: F401
