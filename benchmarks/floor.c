/*
 * The C floor for the overhead targets: the least a runner can do for the same work. One process,
 * posix_spawn and poll, the same three fake docker calls per image (pull, image inspect, rmi) with
 * the same total concurrency, output read and dropped, good images appended to a file.
 *
 * Usage: floor LIST CONCURRENCY DOCKER OUTPUT_DIR
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct slot {
    int image;      /* -1: free */
    int step;       /* 0 pull, 1 inspect, 2 rmi */
    pid_t pid;
    int fds[2];     /* stdout, stderr read ends; -1 once at end of file */
};

static char **images;
static int image_count, next_image;
static const char *docker;
static FILE *good;

static void spawn_step(struct slot *slot) {
    char *reference = images[slot->image];
    char *argv[7];
    int argc = 0;
    argv[argc++] = (char *)docker;
    if (slot->step == 0) {
        argv[argc++] = "pull";
    } else if (slot->step == 1) {
        argv[argc++] = "image";
        argv[argc++] = "inspect";
        argv[argc++] = "--format";
        argv[argc++] = "{{json .RepoDigests}}";
    } else {
        argv[argc++] = "rmi";
    }
    argv[argc++] = reference;
    argv[argc] = NULL;
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) { perror("pipe2"); exit(1); }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    if (posix_spawn(&slot->pid, docker, &actions, NULL, argv, environ) != 0) { perror("posix_spawn"); exit(1); }
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    slot->fds[0] = out[0];
    slot->fds[1] = err[0];
}

static void take_image(struct slot *slot) {
    if (next_image >= image_count) { slot->image = -1; return; }
    slot->image = next_image++;
    slot->step = 0;
    spawn_step(slot);
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: floor LIST CONCURRENCY DOCKER OUTPUT_DIR\n"); return 2; }
    FILE *list = fopen(argv[1], "r");
    if (!list) { perror(argv[1]); return 2; }
    size_t capacity = 1024;
    images = malloc(capacity * sizeof *images);
    char line[1024];
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line) continue;
        if ((size_t)image_count == capacity) images = realloc(images, (capacity *= 2) * sizeof *images);
        images[image_count++] = strdup(line);
    }
    fclose(list);
    int concurrency = atoi(argv[2]);
    docker = argv[3];
    char path[4096];
    snprintf(path, sizeof path, "%s/good_image.txt", argv[4]);
    good = fopen(path, "a");
    if (!good) { perror(path); return 2; }

    struct slot *slots = calloc((size_t)concurrency, sizeof *slots);
    struct pollfd *polls = calloc((size_t)concurrency * 2, sizeof *polls);
    for (int i = 0; i < concurrency; i++) take_image(&slots[i]);
    char buffer[65536];
    for (;;) {
        int count = 0;
        for (int i = 0; i < concurrency; i++) {
            for (int s = 0; s < 2; s++) {
                if (slots[i].image >= 0 && slots[i].fds[s] >= 0) {
                    polls[count].fd = slots[i].fds[s];
                    polls[count].events = POLLIN;
                    count++;
                }
            }
        }
        if (count == 0) break;
        if (poll(polls, (nfds_t)count, -1) < 0) continue;
        for (int p = 0; p < count; p++) {
            if (!polls[p].revents) continue;
            ssize_t n = read(polls[p].fd, buffer, sizeof buffer);
            if (n > 0) continue;
            for (int i = 0; i < concurrency; i++) {
                struct slot *slot = &slots[i];
                for (int s = 0; s < 2; s++) {
                    if (slot->image >= 0 && slot->fds[s] == polls[p].fd) {
                        close(slot->fds[s]);
                        slot->fds[s] = -1;
                        if (slot->fds[0] < 0 && slot->fds[1] < 0) {
                            int status;
                            waitpid(slot->pid, &status, 0);
                            int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
                            if (ok && slot->step < 2) {
                                slot->step++;
                                spawn_step(slot);
                            } else {
                                if (ok) fprintf(good, "%s\n", images[slot->image]);
                                take_image(slot);
                            }
                        }
                    }
                }
            }
        }
    }
    fclose(good);
    return 0;
}
