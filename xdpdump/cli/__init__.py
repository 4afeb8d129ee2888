"""The command-line front ends: xdpdump (capture.py), xdp-load (load.py), xdp-replay (replay.py)."""
