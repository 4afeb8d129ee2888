"""Argument widths of the syscalls a policy rule may test, as the kernel declares them.

The width decides how the filter compares an argument (see ``codegen.py``):

- ``INT``: the kernel's ``SYSCALL_DEFINE`` takes ``int``/``unsigned int`` (or a narrower type) and
  truncates the 64-bit register, so only the low 32-bit half of ``seccomp_data.args[i]`` is meaningful.
  Comparing the high half too would reject calls the kernel would accept (callers may leave garbage
  there).
- ``LONG``: ``long``/``unsigned long``/``size_t``/``loff_t``/pointers. The kernel uses all 64 bits, so
  the filter must compare **both** halves: testing only the low half lets ``fd + (1 << 32)`` through
  (a published sandbox escape was exactly that).

The width is what the kernel *uses*, which is not always what ``SYSCALL_DEFINE`` declares: ``mmap``
declares every argument ``unsigned long`` and ``readv``/``writev`` their ``fd``, but those fds reach
``fget``/``fdget_pos`` as ``unsigned int``, so the kernel ignores their high half: ``INT`` here. (This
matters: glibc passes ``mmap(..., -1, 0)`` with the fd zero-extended, ``0x00000000ffffffff``; a rule
``(eq (arg 4) -1)`` at 64 bits would never match.)

The widths are the same on x86_64 and aarch64 (both LP64). A syscall missing here may still be
allowed unconditionally; testing its arguments is an error until its widths are written down here,
checked against the kernel source.
"""

from __future__ import annotations

INT = "int"
LONG = "long"

_I, _L = INT, LONG

ARG_WIDTHS: dict[str, tuple[str, ...]] = {
    # files and descriptors
    "read": (_I, _L, _L),                       # unsigned int fd, char *buf, size_t count
    "write": (_I, _L, _L),                      # unsigned int fd, const char *buf, size_t count
    "readv": (_I, _L, _L),                      # unsigned long fd (truncated, see above), iovec *, ulong
    "writev": (_I, _L, _L),                     # unsigned long fd (truncated, see above), iovec *, ulong
    "pread64": (_I, _L, _L, _L),                # unsigned int fd, char *, size_t, loff_t
    "pwrite64": (_I, _L, _L, _L),               # unsigned int fd, const char *, size_t, loff_t
    "close": (_I,),                             # unsigned int fd
    "fsync": (_I,),                             # unsigned int fd
    "fdatasync": (_I,),                         # unsigned int fd
    "lseek": (_I, _L, _I),                      # unsigned int fd, off_t offset, unsigned int whence
    "fcntl": (_I, _I, _L),                      # unsigned int fd, unsigned int cmd, unsigned long arg
    "ioctl": (_I, _I, _L),                      # unsigned int fd, unsigned int cmd, unsigned long arg
    "fstat": (_I, _L),                          # unsigned int fd, struct stat *
    "newfstatat": (_I, _L, _L, _I),             # int dfd, const char *, struct stat *, int flag
    "openat": (_I, _L, _I, _I),                 # int dfd, const char *, int flags, umode_t mode
    "dup": (_I,),                               # unsigned int fildes
    "dup3": (_I, _I, _I),                       # unsigned int oldfd, unsigned int newfd, int flags
    "renameat2": (_I, _L, _I, _L, _I),          # int olddfd, const char *, int newdfd, const char *, uint flags
    "getdents64": (_I, _L, _I),                 # unsigned int fd, struct linux_dirent64 *, unsigned int
    "ftruncate": (_I, _L),                      # unsigned int fd, off_t length
    # sockets
    "socket": (_I, _I, _I),                     # int family, int type, int protocol
    "bind": (_I, _L, _I),                       # int fd, struct sockaddr *, int addrlen
    "connect": (_I, _L, _I),                    # int fd, struct sockaddr *, int addrlen
    "listen": (_I, _I),                         # int fd, int backlog
    "accept": (_I, _L, _L),                     # int fd, struct sockaddr *, int *addrlen
    "accept4": (_I, _L, _L, _I),                # int fd, struct sockaddr *, int *addrlen, int flags
    "sendto": (_I, _L, _L, _I, _L, _I),         # int fd, void *buf, size_t len, unsigned int flags,
                                                # struct sockaddr *addr, int addrlen
    "recvfrom": (_I, _L, _L, _I, _L, _L),       # int fd, void *buf, size_t size, unsigned int flags,
                                                # struct sockaddr *addr, int *addrlen
    "sendmsg": (_I, _L, _I),                    # int fd, struct user_msghdr *, unsigned int flags
    "recvmsg": (_I, _L, _I),                    # int fd, struct user_msghdr *, unsigned int flags
    "getsockopt": (_I, _I, _I, _L, _L),         # int fd, int level, int optname, char *, int *optlen
    "setsockopt": (_I, _I, _I, _L, _I),         # int fd, int level, int optname, char *, int optlen
    "shutdown": (_I, _I),                       # int fd, int how
    "getsockname": (_I, _L, _L),                # int fd, struct sockaddr *, int *
    "getpeername": (_I, _L, _L),                # int fd, struct sockaddr *, int *
    # waiting
    "poll": (_L, _I, _I),                       # struct pollfd *, unsigned int nfds, int timeout
    "ppoll": (_L, _I, _L, _L, _L),              # struct pollfd *, unsigned int nfds, timespec *,
                                                # sigset_t *, size_t sigsetsize
    "select": (_I, _L, _L, _L, _L),             # int n, fd_set *inp, *outp, *exp, timeval *
    "pselect6": (_I, _L, _L, _L, _L, _L),       # int n, fd_set *x3, timespec *, void *sig
    "epoll_wait": (_I, _L, _I, _I),             # int epfd, events *, int maxevents, int timeout
    "epoll_pwait": (_I, _L, _I, _I, _L, _L),    # ... const sigset_t *, size_t sigsetsize
    "nanosleep": (_L, _L),                      # timespec *rqtp, timespec *rmtp
    "clock_nanosleep": (_I, _I, _L, _L),        # clockid_t, int flags, timespec *, timespec *
    "clock_gettime": (_I, _L),                  # clockid_t, timespec *
    "futex": (_L, _I, _I, _L, _L, _I),          # u32 *uaddr, int op, u32 val, timespec *, u32 *, u32
    "sched_yield": (),
    # memory
    "brk": (_L,),                               # unsigned long brk
    "mmap": (_L, _L, _L, _L, _I, _L),           # all unsigned long; fd truncated by fget (see above)
    "munmap": (_L, _L),                         # unsigned long addr, size_t len
    "mprotect": (_L, _L, _L),                   # unsigned long start, size_t len, unsigned long prot
    "madvise": (_L, _L, _I),                    # unsigned long start, size_t len, int behavior
    "mremap": (_L, _L, _L, _L, _L),             # all unsigned long
    # signals and processes
    "rt_sigaction": (_I, _L, _L, _L),           # int sig, sigaction *, sigaction *, size_t
    "rt_sigprocmask": (_I, _L, _L, _L),         # int how, sigset_t *, sigset_t *, size_t
    "rt_sigreturn": (),
    "sigaltstack": (_L, _L),                    # stack_t *uss, stack_t *uoss
    "kill": (_I, _I),                           # pid_t pid, int sig
    "tgkill": (_I, _I, _I),                     # pid_t tgid, pid_t pid, int sig
    "wait4": (_I, _L, _I, _L),                  # pid_t upid, int *stat_addr, int options, rusage *
    "waitid": (_I, _I, _L, _I, _L),             # int which, pid_t upid, siginfo *, int options, rusage *
    "getpid": (),
    "getppid": (),
    # BPF objects opened before the sandbox
    "bpf": (_I, _L, _I),                        # int cmd, union bpf_attr *uattr, unsigned int size
    "gettid": (),
    "exit": (_I,),                              # int error_code
    "exit_group": (_I,),                        # int error_code
    "prctl": (_I, _L, _L, _L, _L),              # int option, unsigned long arg2..arg5
    "getrandom": (_L, _L, _I),                  # char *buf, size_t count, unsigned int flags
    "sched_getaffinity": (_I, _I, _L),          # pid_t pid, unsigned int len, unsigned long *
}
