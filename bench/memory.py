"""Peak memory of the process that runs a workload, measured the same way on both sides."""

from __future__ import annotations

import resource


def peak_mb() -> float:
    """This process's own peak resident memory in MB.

    Linux's `ru_maxrss` carries over the parent's resident size at the fork that started this process
    (a parent that had just generated a 1,000,000-person database made every child read 500 MB), so
    `VmHWM` of /proc/self/status, which belongs to this program's own address space, comes first.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return round(kb / 1024, 1)
