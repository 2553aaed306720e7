"""Is a process of this computer still running? Asked of the process that wrote a backup's `.part` file
(`backup.stale_parts`) and of the one recorded in the writer lock (`dblock.WriterLock`): a dead owner
makes its leftover removable or its lock stale. Unsure counts as alive; the heartbeat and the person
decide then."""

from __future__ import annotations

import os


def process_alive(pid: int) -> bool:
    """Is process `pid` of this computer running? Windows asks for its exit code, elsewhere signal 0."""
    if pid == os.getpid():
        return True
    if os.name == "nt":
        import ctypes  # lazy: Windows only

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(ctypes.get_last_error() == 5)  # type: ignore[attr-defined]  # ACCESS_DENIED: it exists
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
