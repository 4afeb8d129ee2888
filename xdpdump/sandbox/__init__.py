"""Seccomp sandbox: policy files compiled to classic BPF, C headers for native roles, and the installer.

- ``policy``: parse ``.seccomppolicy`` files (syntax in its docstring)
- ``codegen``: compile to classic BPF, ``instantiate`` with parameter values
- ``disasm`` / ``cheader``: readable listing, generated C header
- ``install``: no_new_privs + seccomp(SECCOMP_SET_MODE_FILTER)
- ``policies/``: one policy per process role; ``generate``: keeps native/generated/ current
"""
