#ifndef VERIFY_LINUX_H
#define VERIFY_LINUX_H

/* The Linux calls that Swift cannot make directly: variadic ones (prctl, syscall), GNU extensions
   (pipe2, POSIX_SPAWN_SETSID), and the wait-status macros. Each returns what the call returns and
   leaves errno as the call set it; the Swift side wraps them in Posix.call. Built with _GNU_SOURCE
   (shim.c), so no constant is copied by hand. */

#include <stddef.h>
#include <sys/types.h>

/* prctl(PR_SET_PDEATHSIG, signum): the kernel sends `signum` when the parent thread exits. */
int verify_set_parent_death_signal(int signum);

/* prctl(PR_SET_CHILD_SUBREAPER, 1): orphaned descendants are reparented to this process. */
int verify_set_child_subreaper(void);

/* pidfd_open(pid, 0): a close-on-exec descriptor that becomes readable when `pid` exits
   (Linux 5.3+); -1 with errno ENOSYS where the kernel has none. */
int verify_pidfd_open(pid_t pid);

/* waitid(P_PID, pid, WEXITED | WNOHANG | WNOWAIT): how child `pid` ended, without reaping it, so
   that whoever reaps it still can. Returns 1 and sets *status (a wait status, as waitpid gives)
   once it has ended, 0 while it runs, -1 with errno on error (ECHILD: already reaped). */
int verify_peek_exit(pid_t pid, int *status);

/* pipe2(fds, O_CLOEXEC): a pipe whose both ends are close-on-exec. */
int verify_pipe_cloexec(int fds[2]);

/* open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600): an unnamed file in `directory`, gone
   when its last descriptor closes. */
int verify_open_unnamed(const char *directory);

/* memmem(haystack, length, needle, needle_length): where needle first occurs, or NULL. */
const void *verify_memmem(const void *haystack, size_t length, const void *needle, size_t needle_length);

/* The wait-status macros (WIFEXITED and friends), which Swift cannot import. */
int verify_wait_exited(int status);
int verify_wait_exit_code(int status);
int verify_wait_signaled(int status);
int verify_wait_signal(int status);

/* Starts `path` with `argv` and the current environment through posix_spawn (glibc: clone with
   CLONE_VM | CLONE_VFORK, so the cost does not grow with the parent's memory), as the leader of a
   new session and so of its own process group, with stdin from /dev/null, stdout and stderr on
   `out_fd` and `err_fd`, every signal at its default action and none blocked.
   Returns 0 and sets *pid, or returns an errno value (posix_spawn does not set errno). */
int verify_spawn(const char *path, char *const argv[], int out_fd, int err_fd, pid_t *pid);

#endif
