/*
 * A fake docker client for the benchmarks: answers `pull`, `image inspect`, `rmi` and `version`
 * the way docker does, with a latency per pulled image and nothing else to pay for.
 *
 * The latency of an image depends only on the seed and the reference, so every contender sees
 * the same latencies whatever order it pulls in:
 *   FAKEDOCKER_LATENCY_MS        a fixed latency for every pull (default 0)
 *   FAKEDOCKER_MEDIAN_MS         or a log-normal latency with this median ...
 *   FAKEDOCKER_SIGMA             ... and this spread (the sigma of its logarithm)
 *   FAKEDOCKER_STRAGGLER_PERMILLE this many images in 1000 take FAKEDOCKER_STRAGGLER_FACTOR x the median
 *   FAKEDOCKER_SEED              the seed (default 1)
 *   FAKEDOCKER_HANG=1            pulls never finish
 *   FAKEDOCKER_LOG               append "command user_us sys_us latency_us reference" per process, for the
 *                                CPU accounting and the ideal schedule
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static uint64_t fnv1a(uint64_t hash, const char *text) {
    for (; *text; text++) {
        hash ^= (unsigned char)*text;
        hash *= 1099511628211ULL;
    }
    return hash;
}

static uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static double env_double(const char *name, double fallback) {
    const char *value = getenv(name);
    return value && *value ? atof(value) : fallback;
}

/* Latency of `reference` in microseconds. */
static long long latency_us(const char *reference) {
    uint64_t hash = fnv1a(14695981039346656037ULL ^ (uint64_t)env_double("FAKEDOCKER_SEED", 1), reference);
    double median = env_double("FAKEDOCKER_MEDIAN_MS", -1);
    double ms = env_double("FAKEDOCKER_LATENCY_MS", 0);
    if (median >= 0) {
        double u1 = ((mix(hash) >> 11) + 1.0) / 9007199254740993.0;
        double u2 = ((mix(hash + 1) >> 11) + 0.0) / 9007199254740992.0;
        double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
        ms = median * exp(env_double("FAKEDOCKER_SIGMA", 0) * z);
        if ((long long)(mix(hash + 2) % 1000) < (long long)env_double("FAKEDOCKER_STRAGGLER_PERMILLE", 0)) {
            ms = median * env_double("FAKEDOCKER_STRAGGLER_FACTOR", 100);
        }
    }
    return (long long)(ms * 1000.0);
}

static void digest_of(const char *reference, char out[65]) {
    uint64_t hash = fnv1a(14695981039346656037ULL, reference);
    for (int i = 0; i < 4; i++) snprintf(out + 16 * i, 17, "%016llx", (unsigned long long)mix(hash + i));
}

/* The repository part of a reference: without its tag or digest. */
static void repository_of(const char *reference, char *out, size_t size) {
    snprintf(out, size, "%s", reference);
    char *at = strchr(out, '@');
    if (at) *at = 0;
    char *slash = strrchr(out, '/');
    char *colon = strrchr(slash ? slash : out, ':');
    if (colon) *colon = 0;
}

static void account(const char *command, long long latency, const char *reference) {
    const char *path = getenv("FAKEDOCKER_LOG");
    if (!path || !*path) return;
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    char line[768];
    int length = snprintf(line, sizeof line, "%s %lld %lld %lld %s\n", command,
                          (long long)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec,
                          (long long)usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec, latency, reference);
    if (length >= (int)sizeof line) length = (int)sizeof line - 1;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        (void)!write(fd, line, (size_t)length);
        close(fd);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *command = argv[1];
    const char *reference = argv[argc - 1];
    char digest[65], repository[512];
    if (strcmp(command, "version") == 0) {
        puts("20.10.24");
        return 0;
    }
    digest_of(reference, digest);
    repository_of(reference, repository, sizeof repository);
    if (strcmp(command, "pull") == 0) {
        if (getenv("FAKEDOCKER_HANG") && strcmp(getenv("FAKEDOCKER_HANG"), "1") == 0) {
            for (;;) pause();
        }
        long long latency = latency_us(reference);
        printf("v1: Pulling from %s\nf74089fe0492: Pulling fs layer\nf74089fe0492: Download complete\n"
               "f74089fe0492: Pull complete\nDigest: sha256:%s\nStatus: Downloaded newer image for %s\n%s\n",
               repository, digest, reference, reference);
        fflush(stdout);
        if (latency > 0) {
            struct timespec pause_for = {latency / 1000000, (latency % 1000000) * 1000};
            while (nanosleep(&pause_for, &pause_for) != 0) {}
        }
        account(command, latency, reference);
        return 0;
    }
    if (strcmp(command, "image") == 0) {
        printf("[\"%s@sha256:%s\"]\n", repository, digest);
        account(command, 0, reference);
        return 0;
    }
    if (strcmp(command, "rmi") == 0) {
        printf("Untagged: %s\nDeleted: sha256:%s\n", reference, digest);
        account(command, 0, reference);
        return 0;
    }
    fprintf(stderr, "fakedocker: unknown command %s\n", command);
    return 2;
}
