/* GENERATED FILE - DO NOT EDIT. Made by scripts/generate-policies from xdpdump/sandbox/policies/supervisor.seccomppolicy.
   Edit the policy and regenerate; CI (scripts/generate-policies --check) rejects a stale copy. */
#ifndef XDPDUMP_GENERATED_SUPERVISOR_SECCOMP_H
#define XDPDUMP_GENERATED_SUPERVISOR_SECCOMP_H

#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)

#define sock_filter_policy_supervisor_instr_cnt 103

static inline unsigned long
populate_sock_filter_policy_supervisor( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int linkwatch_fd, unsigned int net_pid, unsigned int archive_pid, unsigned int metrics_pid, unsigned int gui_pid, unsigned int endnl_fd ) {
  if( out_cnt < sock_filter_policy_supervisor_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_supervisor_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc000003eU, 0, 100 ),    /* AUDIT_ARCH_X86_64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 98, 0 ),     /* x32 syscall bit */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 28, 0 ),            /* write */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4aU, 31, 0 ),           /* fsync */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xcU, 94, 0 ),            /* brk */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 31, 0 ),            /* mmap */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xbU, 92, 0 ),            /* munmap */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x19U, 91, 0 ),           /* mremap */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xaU, 38, 0 ),            /* mprotect */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1cU, 89, 0 ),           /* madvise */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xcaU, 88, 0 ),           /* futex */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 87, 0 ),            /* rt_sigreturn */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xdU, 86, 0 ),            /* rt_sigaction */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xeU, 85, 0 ),            /* rt_sigprocmask */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 44, 0 ),            /* read */
    /*   17 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2cU, 45, 0 ),           /* sendto */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2dU, 52, 0 ),           /* recvfrom */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3dU, 81, 0 ),           /* wait4 */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3eU, 60, 0 ),           /* kill */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe6U, 71, 0 ),           /* clock_nanosleep */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x10fU, 78, 0 ),          /* ppoll */
    /*   23 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x7U, 77, 0 ),            /* poll */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x27U, 76, 0 ),           /* getpid */
    /*   25 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xbaU, 75, 0 ),           /* gettid */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe4U, 69, 0 ),           /* clock_gettime */
    /*   27 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x13eU, 73, 0 ),          /* getrandom */
    /*   28 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x141U, 70, 0 ),          /* bpf */
    /*   29 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 71, 0 ),            /* close */
    /*   30 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe7U, 70, 0 ),           /* exit_group */
    /*   31 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3cU, 69, 0 ),           /* exit */
    /*   32 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   33 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   34 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 66, 0 ),            /* (arg 0) == 1 */
    /*   35 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 65, 0 ),            /* (arg 0) == 2 */
    /*   36 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 64, 65 ),     /* (arg 0) == logfile_fd */
    /*   37 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   38 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 62, 63 ),     /* (arg 0) == logfile_fd */
    /*   39 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] (int) */
    /*   40 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffU, 0, 61 ),     /* (arg 4) == -1 */
    /*   41 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   42 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   43 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   44 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 56, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   45 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   46 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 55 ),            /* (arg 2) == PROT_NONE: high half */
    /*   47 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   48 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 52, 53 ),           /* (arg 2) == PROT_NONE: low half */
    /*   49 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   50 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   51 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   52 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 48, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   53 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   54 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ: high half */
    /*   55 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   56 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 44, 0 ),            /* (arg 2) == PROT_READ: low half */
    /*   57 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   58 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 43 ),            /* (arg 2) == PROT_NONE: high half */
    /*   59 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   60 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 40, 41 ),           /* (arg 2) == PROT_NONE: low half */
    /*   61 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   62 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, linkwatch_fd, 38, 39 ),   /* (arg 0) == linkwatch_fd */
    /*   63 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   64 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, endnl_fd, 0, 37 ),        /* (arg 0) == endnl_fd */
    /*   65 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x34U ),                   /* args[4] high */
    /*   66 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 35 ),            /* (arg 4) == 0: high half */
    /*   67 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] low */
    /*   68 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 33 ),            /* (arg 4) == 0: low half */
    /*   69 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x38U ),                   /* args[5] (int) */
    /*   70 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 30, 31 ),           /* (arg 5) == 0 */
    /*   71 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   72 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, endnl_fd, 0, 29 ),        /* (arg 0) == endnl_fd */
    /*   73 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x34U ),                   /* args[4] high */
    /*   74 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 27 ),            /* (arg 4) == 0: high half */
    /*   75 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] low */
    /*   76 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 25 ),            /* (arg 4) == 0: low half */
    /*   77 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x3cU ),                   /* args[5] high */
    /*   78 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 23 ),            /* (arg 5) == 0: high half */
    /*   79 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x38U ),                   /* args[5] low */
    /*   80 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 20, 21 ),           /* (arg 5) == 0: low half */
    /*   81 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   82 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, 0x0U, 0, 19 ),            /* (arg 0) > 0 */
    /*   83 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x80000000U, 18, 0 ),     /* (arg 0) < 0x80000000 */
    /*   84 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, net_pid, 3, 0 ),          /* (arg 0) == net_pid */
    /*   85 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_pid, 2, 0 ),      /* (arg 0) == archive_pid */
    /*   86 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, metrics_pid, 1, 0 ),      /* (arg 0) == metrics_pid */
    /*   87 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, gui_pid, 0, 14 ),         /* (arg 0) == gui_pid */
    /*   88 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   89 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 11, 0 ),            /* (arg 1) == 0 */
    /*   90 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 10, 0 ),            /* (arg 1) == SIGINT */
    /*   91 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 9, 0 ),             /* (arg 1) == SIGTERM */
    /*   92 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 8, 9 ),             /* (arg 1) == SIGKILL */
    /*   93 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   94 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 6, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   95 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 5, 6 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   96 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   97 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 3, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   98 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 2, 3 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   99 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*  100 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 0, 1 ),             /* (arg 0) == BPF_MAP_LOOKUP_ELEM */
    /*  101 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*  102 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_supervisor_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_supervisor_instr_cnt;
}

#elif defined(__aarch64__)

#define sock_filter_policy_supervisor_instr_cnt 101

static inline unsigned long
populate_sock_filter_policy_supervisor( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int linkwatch_fd, unsigned int net_pid, unsigned int archive_pid, unsigned int metrics_pid, unsigned int gui_pid, unsigned int endnl_fd ) {
  if( out_cnt < sock_filter_policy_supervisor_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_supervisor_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc00000b7U, 0, 98 ),     /* AUDIT_ARCH_AARCH64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 27, 0 ),           /* write */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x52U, 30, 0 ),           /* fsync */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd6U, 93, 0 ),           /* brk */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xdeU, 30, 0 ),           /* mmap */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd7U, 91, 0 ),           /* munmap */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd8U, 90, 0 ),           /* mremap */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe2U, 37, 0 ),           /* mprotect */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe9U, 88, 0 ),           /* madvise */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x62U, 87, 0 ),           /* futex */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x8bU, 86, 0 ),           /* rt_sigreturn */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x86U, 85, 0 ),           /* rt_sigaction */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x87U, 84, 0 ),           /* rt_sigprocmask */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3fU, 43, 0 ),           /* read */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xceU, 44, 0 ),           /* sendto */
    /*   17 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xcfU, 51, 0 ),           /* recvfrom */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x104U, 80, 0 ),          /* wait4 */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x81U, 59, 0 ),           /* kill */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x73U, 70, 0 ),           /* clock_nanosleep */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x49U, 77, 0 ),           /* ppoll */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xacU, 76, 0 ),           /* getpid */
    /*   23 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xb2U, 75, 0 ),           /* gettid */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x71U, 69, 0 ),           /* clock_gettime */
    /*   25 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x116U, 73, 0 ),          /* getrandom */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x118U, 70, 0 ),          /* bpf */
    /*   27 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x39U, 71, 0 ),           /* close */
    /*   28 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5eU, 70, 0 ),           /* exit_group */
    /*   29 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5dU, 69, 0 ),           /* exit */
    /*   30 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   31 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   32 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 66, 0 ),            /* (arg 0) == 1 */
    /*   33 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 65, 0 ),            /* (arg 0) == 2 */
    /*   34 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 64, 65 ),     /* (arg 0) == logfile_fd */
    /*   35 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   36 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 62, 63 ),     /* (arg 0) == logfile_fd */
    /*   37 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] (int) */
    /*   38 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffU, 0, 61 ),     /* (arg 4) == -1 */
    /*   39 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   40 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   41 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   42 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 56, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   43 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   44 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 55 ),            /* (arg 2) == PROT_NONE: high half */
    /*   45 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   46 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 52, 53 ),           /* (arg 2) == PROT_NONE: low half */
    /*   47 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   48 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   49 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   50 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 48, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   51 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   52 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ: high half */
    /*   53 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   54 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 44, 0 ),            /* (arg 2) == PROT_READ: low half */
    /*   55 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   56 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 43 ),            /* (arg 2) == PROT_NONE: high half */
    /*   57 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   58 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 40, 41 ),           /* (arg 2) == PROT_NONE: low half */
    /*   59 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   60 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, linkwatch_fd, 38, 39 ),   /* (arg 0) == linkwatch_fd */
    /*   61 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   62 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, endnl_fd, 0, 37 ),        /* (arg 0) == endnl_fd */
    /*   63 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x34U ),                   /* args[4] high */
    /*   64 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 35 ),            /* (arg 4) == 0: high half */
    /*   65 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] low */
    /*   66 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 33 ),            /* (arg 4) == 0: low half */
    /*   67 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x38U ),                   /* args[5] (int) */
    /*   68 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 30, 31 ),           /* (arg 5) == 0 */
    /*   69 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   70 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, endnl_fd, 0, 29 ),        /* (arg 0) == endnl_fd */
    /*   71 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x34U ),                   /* args[4] high */
    /*   72 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 27 ),            /* (arg 4) == 0: high half */
    /*   73 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] low */
    /*   74 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 25 ),            /* (arg 4) == 0: low half */
    /*   75 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x3cU ),                   /* args[5] high */
    /*   76 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 23 ),            /* (arg 5) == 0: high half */
    /*   77 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x38U ),                   /* args[5] low */
    /*   78 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 20, 21 ),           /* (arg 5) == 0: low half */
    /*   79 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   80 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, 0x0U, 0, 19 ),            /* (arg 0) > 0 */
    /*   81 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x80000000U, 18, 0 ),     /* (arg 0) < 0x80000000 */
    /*   82 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, net_pid, 3, 0 ),          /* (arg 0) == net_pid */
    /*   83 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_pid, 2, 0 ),      /* (arg 0) == archive_pid */
    /*   84 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, metrics_pid, 1, 0 ),      /* (arg 0) == metrics_pid */
    /*   85 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, gui_pid, 0, 14 ),         /* (arg 0) == gui_pid */
    /*   86 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   87 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 11, 0 ),            /* (arg 1) == 0 */
    /*   88 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 10, 0 ),            /* (arg 1) == SIGINT */
    /*   89 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 9, 0 ),             /* (arg 1) == SIGTERM */
    /*   90 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 8, 9 ),             /* (arg 1) == SIGKILL */
    /*   91 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   92 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 6, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   93 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 5, 6 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   94 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   95 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 3, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   96 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 2, 3 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   97 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   98 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 0, 1 ),             /* (arg 0) == BPF_MAP_LOOKUP_ELEM */
    /*   99 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*  100 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_supervisor_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_supervisor_instr_cnt;
}

#else
#error "supervisor seccomp policy: unsupported architecture"
#endif

#endif /* XDPDUMP_GENERATED_SUPERVISOR_SECCOMP_H */
