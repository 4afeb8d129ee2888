"""`xdpdump -r FILE -w FILE [EXPR]`: cut a capture file down, as tcpdump -r -w does.

Owns the order only: open the input (libpcap: pcap or pcapng, the expression compiled for its link
type), open the output (one file, or the rotation's directory for -C/-G), then let native code copy
the matching records through a record ring into the archive writer (xsk/offline_copy.py), and make
the last file durable. The output keeps the input's link type, and its snap length unless -s is given.
-z's commands run from the helper (post_rotate.py), as in a live capture.
"""

from __future__ import annotations

import contextlib
import os

from xdpdump.offline import say_reading
from xdpdump.output_files import open_output, open_output_dir, rotation_for
from xdpdump.plan import ReadPlan
from xdpdump.post_rotate import PostRotate
from xdpdump.xsk import ArchiveWriter, RecordRing
from xdpdump.xsk.offline_copy import OfflineCopy

# Records pass through the ring a batch at a time (offline_copy.c): it must hold the largest record
# libpcap can hand over (256 KiB) several times over.
RING_BYTES = 4 << 20


def read_and_write(plan: ReadPlan) -> int:
    assert plan.write is not None
    with contextlib.ExitStack() as cleanup:
        source = cleanup.enter_context(OfflineCopy(plan.path, plan.expression))
        say_reading(plan.path, source.linktype, source.snaplen)
        snaplen = plan.snaplen if plan.snaplen_given else source.snaplen
        rotation = None
        fd = -1
        if plan.rotation is not None:
            out = open_output_dir(plan.write)
            cleanup.callback(os.close, out.fd)
            notify = -1
            if plan.rotation.command is not None:
                helper = PostRotate.start(plan.rotation.command, out.prefix)
                cleanup.callback(helper.close)
                notify = helper.notify_fd
            rotation = rotation_for(plan.rotation, out, notify)
        else:
            fd = open_output(plan.write)
            cleanup.callback(os.close, fd)
        ring = cleanup.enter_context(RecordRing(RING_BYTES))
        label = "stdout" if plan.write == "-" else plan.write
        writer = ArchiveWriter(ring, fd, plan.file_format, snaplen, label=label, linktype=source.linktype,
                               unbuffered=plan.unbuffered, rotation=rotation)
        cleanup.callback(writer.close)
        source.copy(ring, writer, snaplen, plan.count or 0)
        writer.finish()
    return 0
