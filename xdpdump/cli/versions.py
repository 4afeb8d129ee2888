"""`xdpdump --version`: xdpdump's version and the versions of what it runs on, as `tcpdump --version`
lists its own and libpcap's: the kernel (the XDP and AF_XDP it offers), libpcap (which compiles the
filters) and bcc (which compiles the XDP programs)."""

from __future__ import annotations

import platform

from xdpdump.cli.common import version


def _libpcap() -> str:
    try:
        from xdpdump.pcapfilter.libpcap import version as libpcap_version

        return libpcap_version()
    except Exception as e:  # a version line must not fail the others
        return f"libpcap: not loadable ({e})"


def _bcc() -> str:
    try:
        from bcc.version import __version__
    except Exception as e:  # as above (bcc is Debian's python3-bpfcc)
        return f"bcc: not importable ({e})"
    return f"bcc version {__version__}"


def version_lines(prog: str = "xdpdump") -> list[str]:
    uname = platform.uname()
    return [f"{prog} version {version()}", _libpcap(), _bcc(), f"{uname.system} kernel {uname.release}"]
