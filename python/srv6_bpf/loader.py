"""Running the C loader, `srv6-bpf`: found through env SRV6_BPF or on PATH.

The loader prints one line on stderr and exits non-zero on any error; LoaderError carries
that line so that every rank can log exactly what went wrong."""

import os
import shutil
import subprocess

# ROUTE_PLATFORM values that make the loader program kernel seg6 routes: no BPF to load.
KERNEL_PLATFORMS = ("linux", "kernel")


class LoaderError(RuntimeError):
    """A loader run that failed; str() is one line."""

    def __init__(self, message, argv=None, returncode=None):
        super().__init__(message)
        self.argv = argv
        self.returncode = returncode


def find_loader(explicit=None, env=None):
    """The loader's path: explicit (an option or SRV6_BPF), else srv6-bpf on PATH."""
    env = os.environ if env is None else env
    if explicit:
        path = explicit if os.sep in explicit else shutil.which(explicit, path=env.get("PATH"))
        if not path or not os.access(path, os.X_OK) or os.path.isdir(path):
            raise LoaderError("SRV6_BPF=%s is not an executable srv6-bpf" % explicit)
        return path
    path = shutil.which("srv6-bpf", path=env.get("PATH"))
    if not path:
        raise LoaderError("srv6-bpf not found on PATH: install it (make install) or set "
                          "SRV6_BPF=/path/to/srv6-bpf")
    return path


def _error_line(stderr, argv, returncode):
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if lines:
        return lines[-1]
    return "%s exited with status %d and said nothing" % (" ".join(argv[:3]), returncode)


def run(argv, env, timeout):
    """Run argv; its stdout on success, LoaderError with the loader's error line otherwise."""
    try:
        proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout,
                              universal_newlines=True, errors="replace")
    except subprocess.TimeoutExpired:
        raise LoaderError("%s did not finish within %g s" % (" ".join(argv), timeout),
                          argv) from None
    except OSError as exc:
        raise LoaderError("cannot run %s: %s" % (argv[0], exc.strerror or exc), argv) from None
    if proc.returncode != 0:
        raise LoaderError(_error_line(proc.stderr, argv, proc.returncode), argv,
                          proc.returncode)
    return proc.stdout


class Loader:
    """The loader commands a job needs: load the datapath on the backend interface unless it
    is there, then sync its peers from the job's hosts file."""

    def __init__(self, options, env=None):
        self.options = options
        self.env = dict(os.environ if env is None else env)
        self.path = find_loader(options.loader, self.env)

    def _argv(self, *args):
        argv = [self.path]
        if self.options.bpffs:
            argv += ["--bpffs", self.options.bpffs]
        return argv + list(args)

    def needs_load(self):
        """The BPF datapath must be loaded first unless the loader programs kernel routes
        (ROUTE_PLATFORM=linux) or only prints the plan (dry run)."""
        platform = self.env.get("ROUTE_PLATFORM", "")
        return not self.options.dry_run and platform not in KERNEL_PLATFORMS

    def is_loaded(self):
        """Whether the datapath is on the interface already (`show` succeeds). Loading it
        again would reset a source address or hop limit an administrator chose."""
        try:
            run(self._argv("show", "dev", self.options.interface), self.env,
                self.options.timeout)
        except LoaderError:
            return False  # not loaded, or broken: load says which, in one line
        return True

    def load(self):
        return run(self._argv("load", self.options.interface), self.env, self.options.timeout)

    def sync(self, hosts_file, local_name, extra_env=None):
        """Program this host's paths to every other host of hosts_file. HOSTNAME tells the
        loader which of the hosts it runs on."""
        env = dict(self.env, HOSTNAME=local_name, **(extra_env or {}))
        argv = self._argv("sync", "dev", self.options.interface, "--hosts-file", hosts_file,
                          *self.options.sync_flags())
        return run(argv, env, self.options.timeout)
