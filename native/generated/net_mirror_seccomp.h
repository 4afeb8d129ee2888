/* GENERATED FILE - DO NOT EDIT. Made by scripts/generate-policies from xdpdump/sandbox/policies/net_mirror.seccomppolicy.
   Edit the policy and regenerate; CI (scripts/generate-policies --check) rejects a stale copy. */
#ifndef XDPDUMP_GENERATED_NET_MIRROR_SECCOMP_H
#define XDPDUMP_GENERATED_NET_MIRROR_SECCOMP_H

#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)

#define sock_filter_policy_net_mirror_instr_cnt 22

static inline unsigned long
populate_sock_filter_policy_net_mirror( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int ring_fd_first, unsigned int ring_fd_last ) {
  if( out_cnt < sock_filter_policy_net_mirror_instr_cnt ) return 0UL;
  (void)ring_fd_first; /* not tested on x86_64 */
  (void)ring_fd_last; /* not tested on x86_64 */
  struct sock_filter const filter[ sock_filter_policy_net_mirror_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc000003eU, 0, 19 ),     /* AUDIT_ARCH_X86_64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 17, 0 ),     /* x32 syscall bit */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 7, 0 ),             /* write */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4aU, 9, 0 ),            /* fsync */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x10fU, 13, 0 ),          /* ppoll */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe4U, 9, 0 ),            /* clock_gettime */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 11, 0 ),            /* rt_sigreturn */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe7U, 10, 0 ),           /* exit_group */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3cU, 9, 0 ),            /* exit */
    /*   11 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   12 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 6, 0 ),             /* (arg 0) == 2 */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 5, 6 ),       /* (arg 0) == logfile_fd */
    /*   15 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 3, 4 ),       /* (arg 0) == logfile_fd */
    /*   17 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 1, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 1 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   20 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   21 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_net_mirror_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_net_mirror_instr_cnt;
}

#elif defined(__aarch64__)

#define sock_filter_policy_net_mirror_instr_cnt 21

static inline unsigned long
populate_sock_filter_policy_net_mirror( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int ring_fd_first, unsigned int ring_fd_last ) {
  if( out_cnt < sock_filter_policy_net_mirror_instr_cnt ) return 0UL;
  (void)ring_fd_first; /* not tested on aarch64 */
  (void)ring_fd_last; /* not tested on aarch64 */
  struct sock_filter const filter[ sock_filter_policy_net_mirror_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc00000b7U, 0, 18 ),     /* AUDIT_ARCH_AARCH64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 7, 0 ),            /* write */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x52U, 9, 0 ),            /* fsync */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x49U, 13, 0 ),           /* ppoll */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x71U, 9, 0 ),            /* clock_gettime */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x8bU, 11, 0 ),           /* rt_sigreturn */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5eU, 10, 0 ),           /* exit_group */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5dU, 9, 0 ),            /* exit */
    /*   10 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   11 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 6, 0 ),             /* (arg 0) == 2 */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 5, 6 ),       /* (arg 0) == logfile_fd */
    /*   14 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 3, 4 ),       /* (arg 0) == logfile_fd */
    /*   16 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   17 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 1, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 1 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   19 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   20 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_net_mirror_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_net_mirror_instr_cnt;
}

#else
#error "net_mirror seccomp policy: unsupported architecture"
#endif

#endif /* XDPDUMP_GENERATED_NET_MIRROR_SECCOMP_H */
