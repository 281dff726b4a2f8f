#ifndef VERIFY_CLIBUV_SHIM_H
#define VERIFY_CLIBUV_SHIM_H

#include <uv.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>

/* prctl(2) is variadic, which Swift cannot call directly. */
static inline int verify_set_parent_death_signal(int signum) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signum, 0UL, 0UL, 0UL);
}

/* A descriptor that becomes readable when process `pid` exits (Linux 5.3+; always close-on-exec),
   or -1 with errno set. syscall(2) is variadic, which Swift cannot call directly. */
static inline int verify_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

/* How child `pid` ended, without reaping it (WNOWAIT), so that whoever reaps it still can.
   Returns 1 and sets *exit_code (or *signal_number) once it has ended, 0 while it runs, -1 on error. */
static inline int verify_peek_exit(pid_t pid, int *exit_code, int *signal_number) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT | WNOHANG) != 0) return -1;
    if (info.si_pid == 0) return 0;
    if (info.si_code == CLD_EXITED) {
        *exit_code = info.si_status;
        *signal_number = 0;
    } else {
        *exit_code = -1;
        *signal_number = info.si_status;
    }
    return 1;
}

/* glibc defines these only under _GNU_SOURCE, which the Glibc module is not built with. */
#ifndef POSIX_SPAWN_SETSID
#define POSIX_SPAWN_SETSID 0x80
#endif
extern int pipe2(int pipefd[2], int flags);

/* A pipe whose both ends are close-on-exec. */
static inline int verify_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

/* Starts `path` with `argv` and the current environment through posix_spawn (glibc: clone with
   CLONE_VM | CLONE_VFORK, so the cost does not grow with the parent's memory), as the leader of a
   new session and so of its own process group, with stdin from /dev/null, stdout and stderr on
   `out_fd` and `err_fd`, every signal at its default action and none blocked.
   Returns 0 and sets *pid, or returns an errno value. */
static inline int verify_spawn(const char *path, char *const argv[], int out_fd, int err_fd, pid_t *pid) {
    extern char **environ;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    sigset_t none, all;
    int error = posix_spawn_file_actions_init(&actions);
    if (error) return error;
    error = posix_spawnattr_init(&attributes);
    if (error) {
        posix_spawn_file_actions_destroy(&actions);
        return error;
    }
    sigemptyset(&none);
    sigfillset(&all);
    if (!error) error = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (!error) error = posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    if (!error) error = posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    if (!error) error = posix_spawnattr_setsigmask(&attributes, &none);
    if (!error) error = posix_spawnattr_setsigdefault(&attributes, &all);
    if (!error) error = posix_spawnattr_setflags(&attributes,
        POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (!error) error = posix_spawn(pid, path, &actions, &attributes, argv, environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return error;
}

#endif
