/* GENERATED FILE - DO NOT EDIT. Made by scripts/generate-policies from xdpdump/sandbox/policies/supervisor.seccomppolicy.
   Edit the policy and regenerate; CI (scripts/generate-policies --check) rejects a stale copy. */
#ifndef XDPDUMP_GENERATED_SUPERVISOR_SECCOMP_H
#define XDPDUMP_GENERATED_SUPERVISOR_SECCOMP_H

#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)

#define sock_filter_policy_supervisor_instr_cnt 83

static inline unsigned long
populate_sock_filter_policy_supervisor( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int linkwatch_fd, unsigned int net_pid, unsigned int archive_pid, unsigned int metrics_pid, unsigned int gui_pid ) {
  if( out_cnt < sock_filter_policy_supervisor_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_supervisor_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc000003eU, 0, 80 ),     /* AUDIT_ARCH_X86_64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 78, 0 ),     /* x32 syscall bit */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 26, 0 ),            /* write */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4aU, 29, 0 ),           /* fsync */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xcU, 74, 0 ),            /* brk */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 29, 0 ),            /* mmap */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xbU, 72, 0 ),            /* munmap */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x19U, 71, 0 ),           /* mremap */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xaU, 36, 0 ),            /* mprotect */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1cU, 69, 0 ),           /* madvise */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xcaU, 68, 0 ),           /* futex */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 67, 0 ),            /* rt_sigreturn */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xdU, 66, 0 ),            /* rt_sigaction */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xeU, 65, 0 ),            /* rt_sigprocmask */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 42, 0 ),            /* read */
    /*   17 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3dU, 63, 0 ),           /* wait4 */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3eU, 42, 0 ),           /* kill */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe6U, 53, 0 ),           /* clock_nanosleep */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x10fU, 60, 0 ),          /* ppoll */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x7U, 59, 0 ),            /* poll */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x27U, 58, 0 ),           /* getpid */
    /*   23 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xbaU, 57, 0 ),           /* gettid */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe4U, 51, 0 ),           /* clock_gettime */
    /*   25 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x13eU, 55, 0 ),          /* getrandom */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x141U, 52, 0 ),          /* bpf */
    /*   27 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 53, 0 ),            /* close */
    /*   28 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe7U, 52, 0 ),           /* exit_group */
    /*   29 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3cU, 51, 0 ),           /* exit */
    /*   30 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   31 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   32 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 48, 0 ),            /* (arg 0) == 1 */
    /*   33 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 47, 0 ),            /* (arg 0) == 2 */
    /*   34 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 46, 47 ),     /* (arg 0) == logfile_fd */
    /*   35 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   36 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 44, 45 ),     /* (arg 0) == logfile_fd */
    /*   37 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] (int) */
    /*   38 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffU, 0, 43 ),     /* (arg 4) == -1 */
    /*   39 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   40 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   41 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   42 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 38, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   43 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   44 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 37 ),            /* (arg 2) == PROT_NONE: high half */
    /*   45 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   46 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 34, 35 ),           /* (arg 2) == PROT_NONE: low half */
    /*   47 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   48 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   49 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   50 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 30, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   51 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   52 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ: high half */
    /*   53 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   54 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 26, 0 ),            /* (arg 2) == PROT_READ: low half */
    /*   55 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   56 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 25 ),            /* (arg 2) == PROT_NONE: high half */
    /*   57 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   58 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 22, 23 ),           /* (arg 2) == PROT_NONE: low half */
    /*   59 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   60 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, linkwatch_fd, 20, 21 ),   /* (arg 0) == linkwatch_fd */
    /*   61 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   62 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, 0x0U, 0, 19 ),            /* (arg 0) > 0 */
    /*   63 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x80000000U, 18, 0 ),     /* (arg 0) < 0x80000000 */
    /*   64 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, net_pid, 3, 0 ),          /* (arg 0) == net_pid */
    /*   65 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_pid, 2, 0 ),      /* (arg 0) == archive_pid */
    /*   66 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, metrics_pid, 1, 0 ),      /* (arg 0) == metrics_pid */
    /*   67 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, gui_pid, 0, 14 ),         /* (arg 0) == gui_pid */
    /*   68 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   69 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 11, 0 ),            /* (arg 1) == 0 */
    /*   70 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 10, 0 ),            /* (arg 1) == SIGINT */
    /*   71 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 9, 0 ),             /* (arg 1) == SIGTERM */
    /*   72 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 8, 9 ),             /* (arg 1) == SIGKILL */
    /*   73 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   74 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 6, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   75 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 5, 6 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   76 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   77 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 3, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   78 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 2, 3 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   79 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   80 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 0, 1 ),             /* (arg 0) == BPF_MAP_LOOKUP_ELEM */
    /*   81 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   82 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_supervisor_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_supervisor_instr_cnt;
}

#elif defined(__aarch64__)

#define sock_filter_policy_supervisor_instr_cnt 81

static inline unsigned long
populate_sock_filter_policy_supervisor( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int linkwatch_fd, unsigned int net_pid, unsigned int archive_pid, unsigned int metrics_pid, unsigned int gui_pid ) {
  if( out_cnt < sock_filter_policy_supervisor_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_supervisor_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc00000b7U, 0, 78 ),     /* AUDIT_ARCH_AARCH64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 25, 0 ),           /* write */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x52U, 28, 0 ),           /* fsync */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd6U, 73, 0 ),           /* brk */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xdeU, 28, 0 ),           /* mmap */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd7U, 71, 0 ),           /* munmap */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd8U, 70, 0 ),           /* mremap */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe2U, 35, 0 ),           /* mprotect */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe9U, 68, 0 ),           /* madvise */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x62U, 67, 0 ),           /* futex */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x8bU, 66, 0 ),           /* rt_sigreturn */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x86U, 65, 0 ),           /* rt_sigaction */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x87U, 64, 0 ),           /* rt_sigprocmask */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3fU, 41, 0 ),           /* read */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x104U, 62, 0 ),          /* wait4 */
    /*   17 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x81U, 41, 0 ),           /* kill */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x73U, 52, 0 ),           /* clock_nanosleep */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x49U, 59, 0 ),           /* ppoll */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xacU, 58, 0 ),           /* getpid */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xb2U, 57, 0 ),           /* gettid */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x71U, 51, 0 ),           /* clock_gettime */
    /*   23 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x116U, 55, 0 ),          /* getrandom */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x118U, 52, 0 ),          /* bpf */
    /*   25 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x39U, 53, 0 ),           /* close */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5eU, 52, 0 ),           /* exit_group */
    /*   27 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5dU, 51, 0 ),           /* exit */
    /*   28 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   29 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   30 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 48, 0 ),            /* (arg 0) == 1 */
    /*   31 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 47, 0 ),            /* (arg 0) == 2 */
    /*   32 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 46, 47 ),     /* (arg 0) == logfile_fd */
    /*   33 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   34 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 44, 45 ),     /* (arg 0) == logfile_fd */
    /*   35 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] (int) */
    /*   36 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffU, 0, 43 ),     /* (arg 4) == -1 */
    /*   37 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   38 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   39 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   40 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 38, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   41 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   42 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 37 ),            /* (arg 2) == PROT_NONE: high half */
    /*   43 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   44 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 34, 35 ),           /* (arg 2) == PROT_NONE: low half */
    /*   45 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   46 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   47 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   48 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 30, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   49 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   50 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ: high half */
    /*   51 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   52 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 26, 0 ),            /* (arg 2) == PROT_READ: low half */
    /*   53 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   54 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 25 ),            /* (arg 2) == PROT_NONE: high half */
    /*   55 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   56 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 22, 23 ),           /* (arg 2) == PROT_NONE: low half */
    /*   57 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   58 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, linkwatch_fd, 20, 21 ),   /* (arg 0) == linkwatch_fd */
    /*   59 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   60 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, 0x0U, 0, 19 ),            /* (arg 0) > 0 */
    /*   61 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x80000000U, 18, 0 ),     /* (arg 0) < 0x80000000 */
    /*   62 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, net_pid, 3, 0 ),          /* (arg 0) == net_pid */
    /*   63 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_pid, 2, 0 ),      /* (arg 0) == archive_pid */
    /*   64 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, metrics_pid, 1, 0 ),      /* (arg 0) == metrics_pid */
    /*   65 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, gui_pid, 0, 14 ),         /* (arg 0) == gui_pid */
    /*   66 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   67 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 11, 0 ),            /* (arg 1) == 0 */
    /*   68 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 10, 0 ),            /* (arg 1) == SIGINT */
    /*   69 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 9, 0 ),             /* (arg 1) == SIGTERM */
    /*   70 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 8, 9 ),             /* (arg 1) == SIGKILL */
    /*   71 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   72 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 6, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   73 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 5, 6 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   74 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   75 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 3, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   76 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 2, 3 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   77 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   78 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 0, 1 ),             /* (arg 0) == BPF_MAP_LOOKUP_ELEM */
    /*   79 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   80 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_supervisor_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_supervisor_instr_cnt;
}

#else
#error "supervisor seccomp policy: unsupported architecture"
#endif

#endif /* XDPDUMP_GENERATED_SUPERVISOR_SECCOMP_H */
