/* GENERATED FILE - DO NOT EDIT. Made by scripts/generate-policies from xdpdump/sandbox/policies/metrics.seccomppolicy.
   Edit the policy and regenerate; CI (scripts/generate-policies --check) rejects a stale copy. */
#ifndef XDPDUMP_GENERATED_METRICS_SECCOMP_H
#define XDPDUMP_GENERATED_METRICS_SECCOMP_H

#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)

#define sock_filter_policy_metrics_instr_cnt 49

static inline unsigned long
populate_sock_filter_policy_metrics( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int listen_fd ) {
  if( out_cnt < sock_filter_policy_metrics_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_metrics_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc000003eU, 0, 46 ),     /* AUDIT_ARCH_X86_64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 44, 0 ),     /* x32 syscall bit */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x120U, 10, 0 ),          /* accept4 */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 21, 0 ),            /* read */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2cU, 24, 0 ),           /* sendto */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 27, 0 ),            /* close */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 30, 0 ),            /* write */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4aU, 32, 0 ),           /* fsync */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x10fU, 36, 0 ),          /* ppoll */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x7U, 35, 0 ),            /* poll */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe4U, 31, 0 ),           /* clock_gettime */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe7U, 33, 0 ),           /* exit_group */
    /*   14 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   15 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, listen_fd, 0, 31 ),       /* (arg 0) == listen_fd */
    /*   17 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x1cU ),                   /* args[1] high */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 29 ),            /* (arg 1) == 0: high half */
    /*   19 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] low */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 27 ),            /* (arg 1) == 0: low half */
    /*   21 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 25 ),            /* (arg 2) == 0: high half */
    /*   23 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 23 ),            /* (arg 2) == 0: low half */
    /*   25 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x28U ),                   /* args[3] (int) */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x80800U, 20, 21 ),       /* (arg 3) == SOCK_CLOEXEC|SOCK_NONBLOCK */
    /*   27 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   28 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 19, 0 ),            /* (arg 0) == 2 */
    /*   29 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 18, 0 ),      /* (arg 0) == logfile_fd */
    /*   30 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, listen_fd, 17, 16 ),      /* (arg 0) == listen_fd */
    /*   31 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   32 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 15, 0 ),            /* (arg 0) == 2 */
    /*   33 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 14, 0 ),      /* (arg 0) == logfile_fd */
    /*   34 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, listen_fd, 13, 12 ),      /* (arg 0) == listen_fd */
    /*   35 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   36 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 11, 0 ),            /* (arg 0) == 2 */
    /*   37 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 10, 0 ),      /* (arg 0) == logfile_fd */
    /*   38 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, listen_fd, 9, 8 ),        /* (arg 0) == listen_fd */
    /*   39 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   40 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 6, 0 ),             /* (arg 0) == 2 */
    /*   41 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 5, 6 ),       /* (arg 0) == logfile_fd */
    /*   42 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   43 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 3, 4 ),       /* (arg 0) == logfile_fd */
    /*   44 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   45 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 1, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   46 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 1 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   47 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   48 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_metrics_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_metrics_instr_cnt;
}

#elif defined(__aarch64__)

#define sock_filter_policy_metrics_instr_cnt 47

static inline unsigned long
populate_sock_filter_policy_metrics( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int listen_fd ) {
  if( out_cnt < sock_filter_policy_metrics_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_metrics_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc00000b7U, 0, 44 ),     /* AUDIT_ARCH_AARCH64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xf2U, 9, 0 ),            /* accept4 */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3fU, 20, 0 ),           /* read */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xceU, 23, 0 ),           /* sendto */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x39U, 26, 0 ),           /* close */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 29, 0 ),           /* write */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x52U, 31, 0 ),           /* fsync */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x49U, 35, 0 ),           /* ppoll */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x71U, 31, 0 ),           /* clock_gettime */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5eU, 33, 0 ),           /* exit_group */
    /*   12 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   13 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, listen_fd, 0, 31 ),       /* (arg 0) == listen_fd */
    /*   15 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x1cU ),                   /* args[1] high */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 29 ),            /* (arg 1) == 0: high half */
    /*   17 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] low */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 27 ),            /* (arg 1) == 0: low half */
    /*   19 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 25 ),            /* (arg 2) == 0: high half */
    /*   21 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 23 ),            /* (arg 2) == 0: low half */
    /*   23 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x28U ),                   /* args[3] (int) */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x80800U, 20, 21 ),       /* (arg 3) == SOCK_CLOEXEC|SOCK_NONBLOCK */
    /*   25 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 19, 0 ),            /* (arg 0) == 2 */
    /*   27 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 18, 0 ),      /* (arg 0) == logfile_fd */
    /*   28 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, listen_fd, 17, 16 ),      /* (arg 0) == listen_fd */
    /*   29 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   30 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 15, 0 ),            /* (arg 0) == 2 */
    /*   31 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 14, 0 ),      /* (arg 0) == logfile_fd */
    /*   32 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, listen_fd, 13, 12 ),      /* (arg 0) == listen_fd */
    /*   33 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   34 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 11, 0 ),            /* (arg 0) == 2 */
    /*   35 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 10, 0 ),      /* (arg 0) == logfile_fd */
    /*   36 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, listen_fd, 9, 8 ),        /* (arg 0) == listen_fd */
    /*   37 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   38 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 6, 0 ),             /* (arg 0) == 2 */
    /*   39 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 5, 6 ),       /* (arg 0) == logfile_fd */
    /*   40 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   41 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 3, 4 ),       /* (arg 0) == logfile_fd */
    /*   42 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   43 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 1, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   44 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 1 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   45 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   46 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_metrics_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_metrics_instr_cnt;
}

#else
#error "metrics seccomp policy: unsupported architecture"
#endif

#endif /* XDPDUMP_GENERATED_METRICS_SECCOMP_H */
