"""Only here because cffi hooks its out-of-line build into setup() (cffi_modules)."""
from setuptools import setup

setup(cffi_modules=["native/build_native.py:ffibuilder"])
