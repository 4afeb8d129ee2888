"""The gui role (--gui): one self-contained page and the JSON it polls, loaded by headless Chromium
(Debian's package, over the DevTools protocol) while traffic flows: its counters and chart move, its
last-lines panel shows what the printer printed, and a screenshot is kept. The listener roles'
confinement, self-test, death and hostile clients are tested with the metrics role's
(test_metrics_role.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from capture_helpers import start_capture, stop
from cdp import CHROMIUM, HeadlessChromium
from listener_helpers import Traffic, get_ok, http_request, listener_port
from netns import send_udp

ROOT = Path(__file__).resolve().parents[1]
# XDPDUMP_UPDATE_SCREENSHOT=1 also writes the screenshot the README shows.
README_SCREENSHOT = ROOT / "docs" / "gui.png"

DOM = """JSON.stringify({
  captured: document.getElementById("captured").textContent,
  printed: document.getElementById("printed").textContent,
  samples: Number(document.getElementById("chart").dataset.samples),
  lastPps: Number(document.getElementById("chart").dataset.lastPps),
  queues: document.querySelectorAll("#queues tbody tr").length,
  protocols: document.getElementById("protocols").innerText,
  talkers: document.getElementById("talkers").innerText,
  lines: document.getElementById("lines").textContent,
  drops: document.getElementById("drops").innerText,
  status: document.getElementById("status").textContent,
})"""


def number(text: str) -> int:
    return int(text.replace(",", ""))


def wait_dom(browser: HeadlessChromium, predicate, what: str, timeout_s: float = 30) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        dom = json.loads(browser.evaluate(DOM))
        if predicate(dom):
            return dom
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}: {dom}")


def test_the_page_and_its_state(pair):
    cap, peer = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-n", "--gui", "0", "udp port 9000")
    try:
        port = listener_port(run, "gui")
        page = get_ok(cap.ns, port, "/").decode()
        # self-contained: no script, style or image from anywhere else
        assert "<script>" in page and not re.search(r"""(src|href)=["']?(https?:)?//""", page)
        assert http_request(cap.ns, port, "/").headers["content-type"] == "text/html; charset=utf-8"
        send_udp(peer, cap, 9000, [b"one", b"two", b"three"])

        def state() -> dict:
            return json.loads(get_ok(cap.ns, port, "/api/state"))

        deadline = time.monotonic() + 30
        while (s := state())["feed"] is None or len(s["feed"]["lines"]) < 3 or s["printed"] < 3:
            assert time.monotonic() < deadline, s
            time.sleep(0.2)
        assert s["captured"] == 3 and s["printed"] == 3 and s["printing"] is True
        assert s["queues"] == [{"interface": "xd0", "queue": 0, "captured": 3, "bytes": s["bytes"], "dropped": 0}]
        assert s["feed"]["protocols"] == [["udp", 3]]
        assert s["feed"]["talkers"] == [["198.18.0.2", "198.18.0.1", 3, s["bytes"]]]
        assert all(re.search(r"IP 198\.18\.0\.2\.\d+ > 198\.18\.0\.1\.9000: UDP, length \d", ln)
                   for ln in s["feed"]["lines"])
        assert http_request(cap.ns, port, "/metrics").status == 404
        assert http_request(cap.ns, port, "/api/state", method="DELETE").status == 405
    finally:
        assert stop(run) == 0, run.stderr
    printed = [ln for ln in run.stdout_text.splitlines() if ln]
    assert s["feed"]["lines"] == printed


def test_the_gui_with_w_shows_counters_and_no_feed(pair, tmp_path):
    cap, peer = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(tmp_path / "f.pcap"), "--gui", "0", "udp port 9000")
    try:
        port = listener_port(run, "gui")
        send_udp(peer, cap, 9000, [b"a"] * 4)
        deadline = time.monotonic() + 30
        while (s := json.loads(get_ok(cap.ns, port, "/api/state")))["captured"] < 4:
            assert time.monotonic() < deadline, s
            time.sleep(0.2)
        assert s["printing"] is False and s["feed"] is None and s["roles"]["archive"] == 1
    finally:
        assert stop(run) == 0, run.stderr


@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="chromium missing (Debian's chromium package)")
def test_headless_chromium_sees_the_capture_move(pair, tmp_path):
    cap, peer = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-n", "--gui", "0", "udp port 9000")
    browser = None
    try:
        port = listener_port(run, "gui")
        with Traffic(peer, cap, 9000, rate=200, limit=4000) as traffic:
            browser = HeadlessChromium(cap.ns, tmp_path / "profile")
            browser.open(f"http://127.0.0.1:{port}/")
            first = wait_dom(browser, lambda d: number(d["captured"]) > 0 and d["samples"] >= 1, "a first update")
            time.sleep(2.5)
            second = wait_dom(browser, lambda d: d["samples"] > first["samples"], "a later update")
            assert number(second["captured"]) > number(first["captured"])
            assert second["lastPps"] > 0 and second["queues"] == 1
            assert "udp" in second["protocols"] and "198.18.0.2" in second["talkers"]
            assert "rx_dropped" in second["drops"] and second["status"].startswith("updated")
            shot = tmp_path / "gui.png"
            browser.screenshot(shot)
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
            if os.environ.get("XDPDUMP_UPDATE_SCREENSHOT"):
                README_SCREENSHOT.parent.mkdir(exist_ok=True)
                shutil.copyfile(shot, README_SCREENSHOT)
            sent = traffic.stop()
        # Once traffic stops and the page has caught up, its last lines are the last lines printed
        # (compared once the capture has ended: the test reads the capture's stdout in large chunks).
        shown = wait_dom(browser, lambda d: number(d["printed"]) == sent and d["lines"].count("\n") >= 49,
                         f"{sent} frames and 50 lines")["lines"].splitlines()
    finally:
        if browser is not None:
            browser.close()
        assert stop(run) == 0, run.stderr
    assert run.summary()["captured"] == sent
    printed = [ln for ln in run.stdout_text.splitlines() if ln]
    assert len(printed) == sent and shown == printed[-50:]
    assert all(re.search(r"IP 198\.18\.0\.2\.4000\d > 198\.18\.0\.1\.9000: UDP, length \d+$", ln) for ln in shown)
