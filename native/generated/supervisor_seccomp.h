/* GENERATED FILE - DO NOT EDIT. Made by scripts/generate-policies from xdpdump/sandbox/policies/supervisor.seccomppolicy.
   Edit the policy and regenerate; CI (scripts/generate-policies --check) rejects a stale copy. */
#ifndef XDPDUMP_GENERATED_SUPERVISOR_SECCOMP_H
#define XDPDUMP_GENERATED_SUPERVISOR_SECCOMP_H

#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)

#define sock_filter_policy_supervisor_instr_cnt 70

static inline unsigned long
populate_sock_filter_policy_supervisor( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd ) {
  if( out_cnt < sock_filter_policy_supervisor_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_supervisor_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc000003eU, 0, 67 ),     /* AUDIT_ARCH_X86_64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 65, 0 ),     /* x32 syscall bit */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 25, 0 ),            /* write */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4aU, 28, 0 ),           /* fsync */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xcU, 61, 0 ),            /* brk */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 28, 0 ),            /* mmap */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xbU, 59, 0 ),            /* munmap */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x19U, 58, 0 ),           /* mremap */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xaU, 35, 0 ),            /* mprotect */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1cU, 56, 0 ),           /* madvise */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xcaU, 55, 0 ),           /* futex */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 54, 0 ),            /* rt_sigreturn */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xdU, 53, 0 ),            /* rt_sigaction */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xeU, 52, 0 ),            /* rt_sigprocmask */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3dU, 51, 0 ),           /* wait4 */
    /*   17 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3eU, 40, 0 ),           /* kill */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe6U, 49, 0 ),           /* clock_nanosleep */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x10fU, 48, 0 ),          /* ppoll */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x7U, 47, 0 ),            /* poll */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x27U, 46, 0 ),           /* getpid */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xbaU, 45, 0 ),           /* gettid */
    /*   23 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe4U, 44, 0 ),           /* clock_gettime */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x13eU, 43, 0 ),          /* getrandom */
    /*   25 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x141U, 40, 0 ),          /* bpf */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 41, 0 ),            /* close */
    /*   27 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe7U, 40, 0 ),           /* exit_group */
    /*   28 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3cU, 39, 0 ),           /* exit */
    /*   29 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   30 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   31 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 36, 0 ),            /* (arg 0) == 1 */
    /*   32 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 35, 0 ),            /* (arg 0) == 2 */
    /*   33 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 34, 35 ),     /* (arg 0) == logfile_fd */
    /*   34 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   35 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 32, 33 ),     /* (arg 0) == logfile_fd */
    /*   36 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] (int) */
    /*   37 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffU, 0, 31 ),     /* (arg 4) == -1 */
    /*   38 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   39 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   40 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   41 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 26, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   42 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   43 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 25 ),            /* (arg 2) == PROT_NONE: high half */
    /*   44 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   45 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 22, 23 ),           /* (arg 2) == PROT_NONE: low half */
    /*   46 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   47 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   48 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   49 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 18, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   50 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   51 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ: high half */
    /*   52 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   53 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 14, 0 ),            /* (arg 2) == PROT_READ: low half */
    /*   54 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   55 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 13 ),            /* (arg 2) == PROT_NONE: high half */
    /*   56 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   57 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 10, 11 ),           /* (arg 2) == PROT_NONE: low half */
    /*   58 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   59 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, 0x0U, 0, 9 ),             /* (arg 0) > 0 */
    /*   60 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x80000000U, 8, 0 ),      /* (arg 0) < 0x80000000 */
    /*   61 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   62 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 5, 0 ),             /* (arg 1) == 0 */
    /*   63 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 4, 0 ),             /* (arg 1) == SIGINT */
    /*   64 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 3, 0 ),             /* (arg 1) == SIGTERM */
    /*   65 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 2, 3 ),             /* (arg 1) == SIGKILL */
    /*   66 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   67 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 0, 1 ),             /* (arg 0) == BPF_MAP_LOOKUP_ELEM */
    /*   68 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   69 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_supervisor_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_supervisor_instr_cnt;
}

#elif defined(__aarch64__)

#define sock_filter_policy_supervisor_instr_cnt 68

static inline unsigned long
populate_sock_filter_policy_supervisor( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd ) {
  if( out_cnt < sock_filter_policy_supervisor_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_supervisor_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc00000b7U, 0, 65 ),     /* AUDIT_ARCH_AARCH64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 24, 0 ),           /* write */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x52U, 27, 0 ),           /* fsync */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd6U, 60, 0 ),           /* brk */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xdeU, 27, 0 ),           /* mmap */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd7U, 58, 0 ),           /* munmap */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd8U, 57, 0 ),           /* mremap */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe2U, 34, 0 ),           /* mprotect */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe9U, 55, 0 ),           /* madvise */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x62U, 54, 0 ),           /* futex */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x8bU, 53, 0 ),           /* rt_sigreturn */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x86U, 52, 0 ),           /* rt_sigaction */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x87U, 51, 0 ),           /* rt_sigprocmask */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x104U, 50, 0 ),          /* wait4 */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x81U, 39, 0 ),           /* kill */
    /*   17 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x73U, 48, 0 ),           /* clock_nanosleep */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x49U, 47, 0 ),           /* ppoll */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xacU, 46, 0 ),           /* getpid */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xb2U, 45, 0 ),           /* gettid */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x71U, 44, 0 ),           /* clock_gettime */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x116U, 43, 0 ),          /* getrandom */
    /*   23 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x118U, 40, 0 ),          /* bpf */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x39U, 41, 0 ),           /* close */
    /*   25 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5eU, 40, 0 ),           /* exit_group */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5dU, 39, 0 ),           /* exit */
    /*   27 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   28 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   29 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 36, 0 ),            /* (arg 0) == 1 */
    /*   30 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 35, 0 ),            /* (arg 0) == 2 */
    /*   31 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 34, 35 ),     /* (arg 0) == logfile_fd */
    /*   32 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   33 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 32, 33 ),     /* (arg 0) == logfile_fd */
    /*   34 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] (int) */
    /*   35 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffU, 0, 31 ),     /* (arg 4) == -1 */
    /*   36 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   37 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   38 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   39 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 26, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   40 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   41 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 25 ),            /* (arg 2) == PROT_NONE: high half */
    /*   42 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   43 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 22, 23 ),           /* (arg 2) == PROT_NONE: low half */
    /*   44 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   45 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ|PROT_WRITE: high half */
    /*   46 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   47 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 18, 0 ),            /* (arg 2) == PROT_READ|PROT_WRITE: low half */
    /*   48 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   49 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 2 ),             /* (arg 2) == PROT_READ: high half */
    /*   50 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   51 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 14, 0 ),            /* (arg 2) == PROT_READ: low half */
    /*   52 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   53 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 13 ),            /* (arg 2) == PROT_NONE: high half */
    /*   54 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   55 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 10, 11 ),           /* (arg 2) == PROT_NONE: low half */
    /*   56 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   57 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, 0x0U, 0, 9 ),             /* (arg 0) > 0 */
    /*   58 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x80000000U, 8, 0 ),      /* (arg 0) < 0x80000000 */
    /*   59 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   60 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 5, 0 ),             /* (arg 1) == 0 */
    /*   61 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 4, 0 ),             /* (arg 1) == SIGINT */
    /*   62 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 3, 0 ),             /* (arg 1) == SIGTERM */
    /*   63 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x9U, 2, 3 ),             /* (arg 1) == SIGKILL */
    /*   64 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   65 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 0, 1 ),             /* (arg 0) == BPF_MAP_LOOKUP_ELEM */
    /*   66 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   67 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_supervisor_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_supervisor_instr_cnt;
}

#else
#error "supervisor seccomp policy: unsupported architecture"
#endif

#endif /* XDPDUMP_GENERATED_SUPERVISOR_SECCOMP_H */
