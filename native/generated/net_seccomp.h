/* GENERATED FILE - DO NOT EDIT. Made by scripts/generate-policies from xdpdump/sandbox/policies/net.seccomppolicy.
   Edit the policy and regenerate; CI (scripts/generate-policies --check) rejects a stale copy. */
#ifndef XDPDUMP_GENERATED_NET_SECCOMP_H
#define XDPDUMP_GENERATED_NET_SECCOMP_H

#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)

#define sock_filter_policy_net_instr_cnt 61

static inline unsigned long
populate_sock_filter_policy_net( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int xsk_fd_first, unsigned int xsk_fd_last ) {
  if( out_cnt < sock_filter_policy_net_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_net_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc000003eU, 0, 58 ),     /* AUDIT_ARCH_X86_64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 56, 0 ),     /* x32 syscall bit */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 12, 0 ),            /* write */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4aU, 14, 0 ),           /* fsync */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2cU, 15, 0 ),           /* sendto */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2fU, 33, 0 ),           /* recvmsg */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x37U, 37, 0 ),           /* getsockopt */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x10fU, 49, 0 ),          /* ppoll */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x7U, 48, 0 ),            /* poll */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe6U, 41, 0 ),           /* clock_nanosleep */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe4U, 43, 0 ),           /* clock_gettime */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 45, 0 ),            /* rt_sigreturn */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe7U, 44, 0 ),           /* exit_group */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3cU, 43, 0 ),           /* exit */
    /*   16 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   17 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 40, 0 ),            /* (arg 0) == 2 */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 39, 40 ),     /* (arg 0) == logfile_fd */
    /*   20 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 37, 38 ),     /* (arg 0) == logfile_fd */
    /*   22 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   23 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, xsk_fd_first, 0, 36 ),    /* (arg 0) >= xsk_fd_first */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, xsk_fd_last, 35, 0 ),     /* (arg 0) <= xsk_fd_last */
    /*   25 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x1cU ),                   /* args[1] high */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 33 ),            /* (arg 1) == 0: high half */
    /*   27 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] low */
    /*   28 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 31 ),            /* (arg 1) == 0: low half */
    /*   29 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   30 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 29 ),            /* (arg 2) == 0: high half */
    /*   31 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   32 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 27 ),            /* (arg 2) == 0: low half */
    /*   33 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x28U ),                   /* args[3] (int) */
    /*   34 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 0, 25 ),           /* (arg 3) == MSG_DONTWAIT */
    /*   35 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x34U ),                   /* args[4] high */
    /*   36 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 23 ),            /* (arg 4) == 0: high half */
    /*   37 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] low */
    /*   38 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 21 ),            /* (arg 4) == 0: low half */
    /*   39 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x38U ),                   /* args[5] (int) */
    /*   40 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 18, 19 ),           /* (arg 5) == 0 */
    /*   41 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   42 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, xsk_fd_first, 0, 17 ),    /* (arg 0) >= xsk_fd_first */
    /*   43 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, xsk_fd_last, 16, 0 ),     /* (arg 0) <= xsk_fd_last */
    /*   44 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] (int) */
    /*   45 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 13, 14 ),          /* (arg 2) == MSG_DONTWAIT */
    /*   46 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   47 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, xsk_fd_first, 0, 12 ),    /* (arg 0) >= xsk_fd_first */
    /*   48 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, xsk_fd_last, 11, 0 ),     /* (arg 0) <= xsk_fd_last */
    /*   49 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   50 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x11bU, 0, 9 ),           /* (arg 1) == SOL_XDP */
    /*   51 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] (int) */
    /*   52 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x7U, 6, 7 ),             /* (arg 2) == XDP_STATISTICS */
    /*   53 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   54 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 4, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   55 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 3, 4 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   56 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   57 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 1, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   58 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 1 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   59 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   60 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_net_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_net_instr_cnt;
}

#elif defined(__aarch64__)

#define sock_filter_policy_net_instr_cnt 59

static inline unsigned long
populate_sock_filter_policy_net( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int xsk_fd_first, unsigned int xsk_fd_last ) {
  if( out_cnt < sock_filter_policy_net_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_net_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc00000b7U, 0, 56 ),     /* AUDIT_ARCH_AARCH64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 11, 0 ),           /* write */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x52U, 13, 0 ),           /* fsync */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xceU, 14, 0 ),           /* sendto */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd4U, 32, 0 ),           /* recvmsg */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xd1U, 36, 0 ),           /* getsockopt */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x49U, 48, 0 ),           /* ppoll */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x73U, 41, 0 ),           /* clock_nanosleep */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x71U, 43, 0 ),           /* clock_gettime */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x8bU, 45, 0 ),           /* rt_sigreturn */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5eU, 44, 0 ),           /* exit_group */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5dU, 43, 0 ),           /* exit */
    /*   14 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   15 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 40, 0 ),            /* (arg 0) == 2 */
    /*   17 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 39, 40 ),     /* (arg 0) == logfile_fd */
    /*   18 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 37, 38 ),     /* (arg 0) == logfile_fd */
    /*   20 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, xsk_fd_first, 0, 36 ),    /* (arg 0) >= xsk_fd_first */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, xsk_fd_last, 35, 0 ),     /* (arg 0) <= xsk_fd_last */
    /*   23 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x1cU ),                   /* args[1] high */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 33 ),            /* (arg 1) == 0: high half */
    /*   25 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] low */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 31 ),            /* (arg 1) == 0: low half */
    /*   27 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x24U ),                   /* args[2] high */
    /*   28 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 29 ),            /* (arg 2) == 0: high half */
    /*   29 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] low */
    /*   30 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 27 ),            /* (arg 2) == 0: low half */
    /*   31 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x28U ),                   /* args[3] (int) */
    /*   32 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 0, 25 ),           /* (arg 3) == MSG_DONTWAIT */
    /*   33 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x34U ),                   /* args[4] high */
    /*   34 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 23 ),            /* (arg 4) == 0: high half */
    /*   35 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] low */
    /*   36 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 21 ),            /* (arg 4) == 0: low half */
    /*   37 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x38U ),                   /* args[5] (int) */
    /*   38 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 18, 19 ),           /* (arg 5) == 0 */
    /*   39 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   40 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, xsk_fd_first, 0, 17 ),    /* (arg 0) >= xsk_fd_first */
    /*   41 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, xsk_fd_last, 16, 0 ),     /* (arg 0) <= xsk_fd_last */
    /*   42 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] (int) */
    /*   43 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 13, 14 ),          /* (arg 2) == MSG_DONTWAIT */
    /*   44 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   45 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, xsk_fd_first, 0, 12 ),    /* (arg 0) >= xsk_fd_first */
    /*   46 */ BPF_JUMP( BPF_JMP | BPF_JGT | BPF_K, xsk_fd_last, 11, 0 ),     /* (arg 0) <= xsk_fd_last */
    /*   47 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   48 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x11bU, 0, 9 ),           /* (arg 1) == SOL_XDP */
    /*   49 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] (int) */
    /*   50 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x7U, 6, 7 ),             /* (arg 2) == XDP_STATISTICS */
    /*   51 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   52 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 4, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   53 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 3, 4 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   54 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   55 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 1, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   56 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 1 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   57 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   58 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_net_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_net_instr_cnt;
}

#else
#error "net seccomp policy: unsupported architecture"
#endif

#endif /* XDPDUMP_GENERATED_NET_SECCOMP_H */
