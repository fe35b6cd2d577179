// What Swift cannot import from the C library by itself: Linux-only headers that the
// Glibc module map leaves out, macros, and the one place where code must run between
// fork() and exec() (only async-signal-safe calls are allowed there, so it is C).
#ifndef STOCKROOM_CSHIM_H
#define STOCKROOM_CSHIM_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/types.h>
#include <signal.h>

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
int shim_accept_nonblocking(int fd, struct sockaddr *addr, socklen_t *len);

/// Creates a socket with SOCK_CLOEXEC (and SOCK_NONBLOCK when nonblocking != 0).
int shim_socket(int domain, int type, int nonblocking);

/// pidfd_open(2): a descriptor that becomes readable when `pid` exits (CLOEXEC); -1 before Linux 5.3.
int shim_pidfd_open(pid_t pid);

/// pipe2(2) with O_CLOEXEC on both ends (the Glibc module is not built with _GNU_SOURCE).
int shim_pipe_cloexec(int fds[2]);

/// errno, which Swift sees only through a function.
int shim_errno(void);

/// Blocks `sig` in the calling thread (and in threads it creates afterwards).
int shim_block_signals(const int *signals, int count);

/// Restores every signal's default action and unblocks all signals; used by children.
void shim_reset_signals(void);

/// Spawns `path` with `argv` and `envp` (NULL-terminated). The child gets `fds[i]` as
/// file descriptor 3+i (`count` of them), `stdin_fd`/`stdout_fd`/`stderr_fd` as 0/1/2 (-1 keeps
/// the parent's), its own process group, and SIGTERM when the parent dies. If
/// `listen_pid_slot` >= 0, envp[listen_pid_slot] must be a writable "LISTEN_PID=" string with
/// room for 20 digits: the child writes its own pid there before exec, as systemd does.
/// If `run_as_uid` >= 0 the child switches to that uid/gid first. Returns the child's pid or -1.
pid_t shim_spawn(const char *path, char *const argv[], char *const envp[],
                 const int *fds, int count, int stdin_fd, int stdout_fd, int stderr_fd,
                 int listen_pid_slot, int run_as_uid, int run_as_gid);

#endif
