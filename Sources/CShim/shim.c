#define _GNU_SOURCE
#include "CShim.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int shim_accept_nonblocking(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int shim_socket(int domain, int type, int nonblocking) {
    return socket(domain, type | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
}

int shim_errno(void) { return errno; }

int shim_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int shim_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int shim_block_signals(const int *signals, int count) {
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < count; i++) sigaddset(&set, signals[i]);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

void shim_reset_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigprocmask(SIG_SETMASK, &set, NULL);
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);
}

static void write_pid(char *slot, pid_t pid) {
    char digits[24];
    int n = 0;
    do { digits[n++] = (char)('0' + pid % 10); pid /= 10; } while (pid > 0);
    char *p = strchr(slot, '=') + 1;
    while (n > 0) *p++ = digits[--n];
    *p = '\0';
}

static int move_fd(int from, int to) {
    if (from == to) {
        int flags = fcntl(from, F_GETFD);
        return flags < 0 ? -1 : fcntl(from, F_SETFD, flags & ~FD_CLOEXEC);
    }
    return dup2(from, to) < 0 ? -1 : 0;
}

pid_t shim_spawn(const char *path, char *const argv[], char *const envp[],
                 const int *fds, int count, int stdin_fd, int stdout_fd, int stderr_fd,
                 int listen_pid_slot, int run_as_uid, int run_as_gid) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;

    // In the child: only async-signal-safe calls from here on.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    shim_reset_signals();

    // Move the passed fds out of the way first, so that dup2 into 3.. cannot clobber one
    // that is still to be moved.
    int high[64];
    if (count > 64) _exit(127);
    for (int i = 0; i < count; i++) {
        high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3 + count + 3);
        if (high[i] < 0) _exit(127);
    }
    if (stdin_fd >= 0 && dup2(stdin_fd, 0) < 0) _exit(127);
    if (stdout_fd >= 0 && dup2(stdout_fd, 1) < 0) _exit(127);
    if (stderr_fd >= 0 && dup2(stderr_fd, 2) < 0) _exit(127);
    for (int i = 0; i < count; i++) {
        if (move_fd(high[i], 3 + i) < 0) _exit(127);
    }
    if (listen_pid_slot >= 0) write_pid(envp[listen_pid_slot], getpid());
    if (run_as_uid >= 0) {
        if (setgroups(0, NULL) < 0 || setgid((gid_t)run_as_gid) < 0 || setuid((uid_t)run_as_uid) < 0)
            _exit(126);
    }
    execve(path, argv, envp);
    _exit(127);
}
