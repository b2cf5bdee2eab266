"""SRv6Plugin: the SRv6 PyTorch plugin's interface, with srv6-bpf underneath."""

import logging

from . import distributed
from .config import Options
from .distributed import SRv6Error

log = logging.getLogger("srv6_bpf")


class SRv6Plugin:
    """Drop-in for srv6_plugin.SRv6Plugin.

    >>> plugin = SRv6Plugin("http://jalapeno:30800/api/v1")
    >>> if plugin.init_process_group():
    ...     pass  # training; its traffic to the job's peers is source-routed

    api_endpoint: the Jalapeño API base (default: env JALAPENO_API_ENDPOINT).
    options (each also from the environment, see the README): source, topology_file,
    collection, dest_function, paths, interface, bpffs, loader, address, strict, dry_run,
    timeout, sync_args.
    """

    def __init__(self, api_endpoint=None, **options):
        self.api_endpoint = api_endpoint
        self.options = Options(api_endpoint=api_endpoint, **options)
        self.result = None  # distributed.JobResult after init_process_group

    @property
    def hosts(self):
        """The job's hosts (name, rank, address) in rank order, as given to the loader."""
        return self.result.hosts if self.result else []

    def init_process_group(self, backend="gloo", **kwargs):
        """Initialise torch.distributed (unless it already is), program this host's SRv6
        paths to every other host of the job, and wait until every host is programmed.

        kwargs go to torch.distributed.init_process_group (default init_method:
        tcp://MASTER_ADDR:MASTER_PORT, rank RANK, world_size WORLD_SIZE).
        Returns True when every host was programmed. On failure it logs why and returns
        False, and training may go on unsteered; with strict=True it raises SRv6Error.
        """
        distributed.ensure_logging()
        if distributed.default_socket_ifname(self.options.interface):
            log.info("%s", distributed.socket_ifname_message(self.options.interface))
        try:
            master = distributed.init_distributed(backend, kwargs)
        except Exception as exc:
            message = "torch.distributed initialisation failed: %s" % exc
            if self.options.strict:
                raise SRv6Error(message) from exc
            log.error("%s", message)
            return False
        self.result = distributed.previous_result()
        if self.result is None:
            try:
                self.result = distributed.program_job(self.options, master)
            except Exception as exc:  # a collective failed: a rank died or timed out
                message = "srv6-bpf job setup failed: %s" % exc
                if self.options.strict:
                    raise SRv6Error(message) from exc
                log.error("%s", message)
                return False
        if not self.result.ok and self.options.strict:
            raise SRv6Error(self.result.message)
        return self.result.ok


# The plugin's backward-compatibility alias.
DemoPlugin = SRv6Plugin
