"""bot.memory: freed heap pages go back to the OS after a build (glibc's malloc_trim)."""

import ctypes.util
import platform
import sys

from bot.memory import return_free_memory


def test_trim_runs_on_glibc_linux_and_is_a_no_op_elsewhere() -> None:
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert return_free_memory() is (glibc and ctypes.util.find_library("c") is not None)
