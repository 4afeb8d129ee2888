"""Every line written to the log file and stderr escapes what is not printable ASCII, as the printer
escapes packet text (printer/escape.py): a device name, a path or an expression holding ESC cannot
drive the terminal that shows the log, or forge a line."""

from __future__ import annotations

from capture_helpers import start_capture, stop
from netns import VENV_BIN

HOSTILE = "x\x1b]0;t\x07d"  # ESC ] 0 ; t BEL: would set the terminal's title (15 bytes at most, no space)


def test_a_device_name_with_escapes_is_escaped_in_the_log_file_and_on_stderr(pair, tmp_path):
    cap, _ = pair
    cap.ns.ip("link", "set", cap.dev, "name", HOSTILE)
    log = tmp_path / "c.log"
    run = start_capture(cap.ns, "-i", HOSTILE, "--log-file", str(log), "udp port 9000",
                        interfaces=["x^[]0;t^Gd"])  # the banner names it escaped
    assert stop(run) == 0, run.stderr
    text = log.read_bytes()
    assert b"capturing on x^[]0;t^Gd" in text, text
    assert all(0x20 <= b < 0x7F or b == 0x0A for b in text), text
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr


def test_an_error_naming_what_the_user_gave_is_escaped(pair):
    cap, _ = pair
    proc = cap.ns.cmd([str(VENV_BIN / "xdpdump"), "-i", "no\x1b[2Jsuch", "udp"], check=False)
    assert proc.returncode != 0
    assert "\x1b" not in proc.stderr, proc.stderr
    assert "no^[[2Jsuch" in proc.stderr, proc.stderr
    assert len(proc.stderr.splitlines()) == 1
