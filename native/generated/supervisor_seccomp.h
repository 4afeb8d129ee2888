/* GENERATED FILE - DO NOT EDIT. Made by scripts/generate-policies from xdpdump/sandbox/policies/supervisor.seccomppolicy.
   Edit the policy and regenerate; CI (scripts/generate-policies --check) rejects a stale copy. */
#ifndef XDPDUMP_GENERATED_SUPERVISOR_SECCOMP_H
#define XDPDUMP_GENERATED_SUPERVISOR_SECCOMP_H

#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)

#define sock_filter_policy_supervisor_instr_cnt 116

static inline unsigned long
populate_sock_filter_policy_supervisor( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int linkwatch_fd, unsigned int net_pid, unsigned int archive_pid, unsigned int metrics_pid, unsigned int gui_pid, unsigned int endnl_fd ) {
  if( out_cnt < sock_filter_policy_supervisor_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_supervisor_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc000003eU, 0, 113 ),    /* AUDIT_ARCH_X86_64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 111, 0 ),    /* x32 syscall bit */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 28, 0 ),            /* write */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4aU, 31, 0 ),           /* fsync */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xcU, 107, 0 ),           /* brk */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 31, 0 ),            /* mmap */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xbU, 105, 0 ),           /* munmap */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x19U, 104, 0 ),          /* mremap */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xaU, 38, 0 ),            /* mprotect */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1cU, 49, 0 ),           /* madvise */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xcaU, 50, 0 ),           /* futex */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 100, 0 ),           /* rt_sigreturn */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xdU, 99, 0 ),            /* rt_sigaction */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xeU, 98, 0 ),            /* rt_sigprocmask */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 57, 0 ),            /* read */
    /*   17 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2cU, 58, 0 ),           /* sendto */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2dU, 65, 0 ),           /* recvfrom */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3dU, 94, 0 ),           /* wait4 */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3eU, 73, 0 ),           /* kill */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe6U, 84, 0 ),           /* clock_nanosleep */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x10fU, 91, 0 ),          /* ppoll */
    /*   23 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x7U, 90, 0 ),            /* poll */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x27U, 89, 0 ),           /* getpid */
    /*   25 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xbaU, 88, 0 ),           /* gettid */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe4U, 82, 0 ),           /* clock_gettime */
    /*   27 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x13eU, 86, 0 ),          /* getrandom */
    /*   28 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x141U, 83, 0 ),          /* bpf */
    /*   29 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 84, 0 ),            /* close */
    /*   30 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe7U, 83, 0 ),           /* exit_group */
    /*   31 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3cU, 82, 0 ),           /* exit */
    /*   32 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   33 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   34 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 79, 0 ),            /* (arg 0) == 1 */
    /*   35 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 78, 0 ),            /* (arg 0) == 2 */
    /*   36 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 77, 78 ),     /* (arg 0) == logfile_fd */
    /*   37 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   38 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 75, 76 ),     /* (arg 0) == logfile_fd */
    /*   39 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] (int) */
    /*   40 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffU, 0, 74 ),     /* (arg 4) == -1 */
    /*   41 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   42 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   43 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   44 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 69, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   45 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   46 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 68 ),            /* (arg 2) == PROT_NONE: high half */
    /*   47 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   48 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 65, 66 ),           /* (arg 2) == PROT_NONE: low half */
    /*   49 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   50 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   51 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   52 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 61, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   53 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   54 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ: high half */
    /*   55 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   56 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 57, 0 ),            /* (arg 2) == PROT_READ: low half */
    /*   57 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   58 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 56 ),            /* (arg 2) == PROT_NONE: high half */
    /*   59 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   60 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 53, 54 ),           /* (arg 2) == PROT_NONE: low half */
    /*   61 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] (int) */
    /*   62 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4U, 51, 52 ),           /* (arg 2) == MADV_DONTNEED */
    /*   63 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   64 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 49, 0 ),            /* (arg 1) == FUTEX_WAIT */
    /*   65 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 48, 0 ),            /* (arg 1) == FUTEX_WAKE */
    /*   66 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 47, 0 ),            /* (arg 1) == FUTEX_WAIT_BITSET */
    /*   67 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xaU, 46, 0 ),            /* (arg 1) == FUTEX_WAKE_BITSET */
    /*   68 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x109U, 45, 0 ),          /* (arg 1) == FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME */
    /*   69 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x80U, 44, 0 ),           /* (arg 1) == FUTEX_WAIT|FUTEX_PRIVATE_FLAG */
    /*   70 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x81U, 43, 0 ),           /* (arg 1) == FUTEX_WAKE|FUTEX_PRIVATE_FLAG */
    /*   71 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x89U, 42, 0 ),           /* (arg 1) == FUTEX_WAIT_BITSET|FUTEX_PRIVATE_FLAG */
    /*   72 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x8aU, 41, 0 ),           /* (arg 1) == FUTEX_WAKE_BITSET|FUTEX_PRIVATE_FLAG */
    /*   73 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x189U, 40, 41 ),         /* (arg 1) == FUTEX_WAIT_BITSET|FUTEX_PRIVATE_FLAG|FUTEX_CLOCK_REALTIME */
    /*   74 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   75 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, linkwatch_fd, 38, 39 ),   /* (arg 0) == linkwatch_fd */
    /*   76 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   77 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, endnl_fd, 0, 37 ),        /* (arg 0) == endnl_fd */
    /*   78 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x34U ),                   /* args[4] high */
    /*   79 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 35 ),            /* (arg 4) == 0: high half */
    /*   80 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] low */
    /*   81 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 33 ),            /* (arg 4) == 0: low half */
    /*   82 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x38U ),                   /* args[5] (int) */
    /*   83 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 30, 31 ),           /* (arg 5) == 0 */
    /*   84 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   85 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, endnl_fd, 0, 29 ),        /* (arg 0) == endnl_fd */
    /*   86 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x34U ),                   /* args[4] high */
    /*   87 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 27 ),            /* (arg 4) == 0: high half */
    /*   88 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] low */
    /*   89 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 25 ),            /* (arg 4) == 0: low half */
    /*   90 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x3cU ),                   /* args[5] high */
    /*   91 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 23 ),            /* (arg 5) == 0: high half */
    /*   92 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x38U ),                   /* args[5] low */
    /*   93 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 20, 21 ),           /* (arg 5) == 0: low half */
    /*   94 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   95 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, 0x0U, 0, 19 ),            /* (arg 0) > 0 */
    /*   96 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x80000000U, 18, 0 ),     /* (arg 0) < 0x80000000 */
    /*   97 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, net_pid, 3, 0 ),          /* (arg 0) == net_pid */
    /*   98 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_pid, 2, 0 ),      /* (arg 0) == archive_pid */
    /*   99 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, metrics_pid, 1, 0 ),      /* (arg 0) == metrics_pid */
    /*  100 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, gui_pid, 0, 14 ),         /* (arg 0) == gui_pid */
    /*  101 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*  102 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 11, 0 ),            /* (arg 1) == 0 */
    /*  103 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 10, 0 ),            /* (arg 1) == SIGINT */
    /*  104 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 9, 0 ),             /* (arg 1) == SIGTERM */
    /*  105 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 8, 9 ),             /* (arg 1) == SIGKILL */
    /*  106 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*  107 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 6, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*  108 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 5, 6 ),             /* (arg 0) == CLOCK_REALTIME */
    /*  109 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*  110 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 3, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*  111 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 2, 3 ),             /* (arg 0) == CLOCK_REALTIME */
    /*  112 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*  113 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 0, 1 ),             /* (arg 0) == BPF_MAP_LOOKUP_ELEM */
    /*  114 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*  115 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_supervisor_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_supervisor_instr_cnt;
}

#elif defined(__aarch64__)

#define sock_filter_policy_supervisor_instr_cnt 114

static inline unsigned long
populate_sock_filter_policy_supervisor( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int linkwatch_fd, unsigned int net_pid, unsigned int archive_pid, unsigned int metrics_pid, unsigned int gui_pid, unsigned int endnl_fd ) {
  if( out_cnt < sock_filter_policy_supervisor_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_supervisor_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc00000b7U, 0, 111 ),    /* AUDIT_ARCH_AARCH64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 27, 0 ),           /* write */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x52U, 30, 0 ),           /* fsync */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd6U, 106, 0 ),          /* brk */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xdeU, 30, 0 ),           /* mmap */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd7U, 104, 0 ),          /* munmap */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd8U, 103, 0 ),          /* mremap */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe2U, 37, 0 ),           /* mprotect */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe9U, 48, 0 ),           /* madvise */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x62U, 49, 0 ),           /* futex */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x8bU, 99, 0 ),           /* rt_sigreturn */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x86U, 98, 0 ),           /* rt_sigaction */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x87U, 97, 0 ),           /* rt_sigprocmask */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3fU, 56, 0 ),           /* read */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xceU, 57, 0 ),           /* sendto */
    /*   17 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xcfU, 64, 0 ),           /* recvfrom */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x104U, 93, 0 ),          /* wait4 */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x81U, 72, 0 ),           /* kill */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x73U, 83, 0 ),           /* clock_nanosleep */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x49U, 90, 0 ),           /* ppoll */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xacU, 89, 0 ),           /* getpid */
    /*   23 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xb2U, 88, 0 ),           /* gettid */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x71U, 82, 0 ),           /* clock_gettime */
    /*   25 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x116U, 86, 0 ),          /* getrandom */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x118U, 83, 0 ),          /* bpf */
    /*   27 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x39U, 84, 0 ),           /* close */
    /*   28 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5eU, 83, 0 ),           /* exit_group */
    /*   29 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5dU, 82, 0 ),           /* exit */
    /*   30 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   31 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   32 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 79, 0 ),            /* (arg 0) == 1 */
    /*   33 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 78, 0 ),            /* (arg 0) == 2 */
    /*   34 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 77, 78 ),     /* (arg 0) == logfile_fd */
    /*   35 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   36 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 75, 76 ),     /* (arg 0) == logfile_fd */
    /*   37 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] (int) */
    /*   38 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffU, 0, 74 ),     /* (arg 4) == -1 */
    /*   39 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   40 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   41 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   42 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 69, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   43 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   44 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 68 ),            /* (arg 2) == PROT_NONE: high half */
    /*   45 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   46 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 65, 66 ),           /* (arg 2) == PROT_NONE: low half */
    /*   47 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   48 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   49 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   50 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 61, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   51 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   52 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ: high half */
    /*   53 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   54 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 57, 0 ),            /* (arg 2) == PROT_READ: low half */
    /*   55 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   56 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 56 ),            /* (arg 2) == PROT_NONE: high half */
    /*   57 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   58 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 53, 54 ),           /* (arg 2) == PROT_NONE: low half */
    /*   59 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] (int) */
    /*   60 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4U, 51, 52 ),           /* (arg 2) == MADV_DONTNEED */
    /*   61 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   62 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 49, 0 ),            /* (arg 1) == FUTEX_WAIT */
    /*   63 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 48, 0 ),            /* (arg 1) == FUTEX_WAKE */
    /*   64 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 47, 0 ),            /* (arg 1) == FUTEX_WAIT_BITSET */
    /*   65 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xaU, 46, 0 ),            /* (arg 1) == FUTEX_WAKE_BITSET */
    /*   66 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x109U, 45, 0 ),          /* (arg 1) == FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME */
    /*   67 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x80U, 44, 0 ),           /* (arg 1) == FUTEX_WAIT|FUTEX_PRIVATE_FLAG */
    /*   68 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x81U, 43, 0 ),           /* (arg 1) == FUTEX_WAKE|FUTEX_PRIVATE_FLAG */
    /*   69 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x89U, 42, 0 ),           /* (arg 1) == FUTEX_WAIT_BITSET|FUTEX_PRIVATE_FLAG */
    /*   70 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x8aU, 41, 0 ),           /* (arg 1) == FUTEX_WAKE_BITSET|FUTEX_PRIVATE_FLAG */
    /*   71 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x189U, 40, 41 ),         /* (arg 1) == FUTEX_WAIT_BITSET|FUTEX_PRIVATE_FLAG|FUTEX_CLOCK_REALTIME */
    /*   72 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   73 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, linkwatch_fd, 38, 39 ),   /* (arg 0) == linkwatch_fd */
    /*   74 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   75 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, endnl_fd, 0, 37 ),        /* (arg 0) == endnl_fd */
    /*   76 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x34U ),                   /* args[4] high */
    /*   77 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 35 ),            /* (arg 4) == 0: high half */
    /*   78 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] low */
    /*   79 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 33 ),            /* (arg 4) == 0: low half */
    /*   80 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x38U ),                   /* args[5] (int) */
    /*   81 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 30, 31 ),           /* (arg 5) == 0 */
    /*   82 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   83 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, endnl_fd, 0, 29 ),        /* (arg 0) == endnl_fd */
    /*   84 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x34U ),                   /* args[4] high */
    /*   85 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 27 ),            /* (arg 4) == 0: high half */
    /*   86 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] low */
    /*   87 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 25 ),            /* (arg 4) == 0: low half */
    /*   88 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x3cU ),                   /* args[5] high */
    /*   89 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 23 ),            /* (arg 5) == 0: high half */
    /*   90 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x38U ),                   /* args[5] low */
    /*   91 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 20, 21 ),           /* (arg 5) == 0: low half */
    /*   92 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   93 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, 0x0U, 0, 19 ),            /* (arg 0) > 0 */
    /*   94 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x80000000U, 18, 0 ),     /* (arg 0) < 0x80000000 */
    /*   95 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, net_pid, 3, 0 ),          /* (arg 0) == net_pid */
    /*   96 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_pid, 2, 0 ),      /* (arg 0) == archive_pid */
    /*   97 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, metrics_pid, 1, 0 ),      /* (arg 0) == metrics_pid */
    /*   98 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, gui_pid, 0, 14 ),         /* (arg 0) == gui_pid */
    /*   99 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*  100 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 11, 0 ),            /* (arg 1) == 0 */
    /*  101 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 10, 0 ),            /* (arg 1) == SIGINT */
    /*  102 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 9, 0 ),             /* (arg 1) == SIGTERM */
    /*  103 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 8, 9 ),             /* (arg 1) == SIGKILL */
    /*  104 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*  105 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 6, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*  106 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 5, 6 ),             /* (arg 0) == CLOCK_REALTIME */
    /*  107 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*  108 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 3, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*  109 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 2, 3 ),             /* (arg 0) == CLOCK_REALTIME */
    /*  110 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*  111 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 0, 1 ),             /* (arg 0) == BPF_MAP_LOOKUP_ELEM */
    /*  112 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*  113 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_supervisor_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_supervisor_instr_cnt;
}

#else
#error "supervisor seccomp policy: unsupported architecture"
#endif

#endif /* XDPDUMP_GENERATED_SUPERVISOR_SECCOMP_H */
