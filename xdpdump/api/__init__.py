"""The Python API: live captures (``live.py``), capture files (``files.py``), their frames
(``frames.py``) and figures (``stats.py``). Users import these names from ``xdpdump`` itself."""
