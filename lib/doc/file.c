/* Writing files: a regular file replaced whole and atomically, a device or
 * a pipe written directly. */
#define _DEFAULT_SOURCE /* flock */
#include "doc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Paths live in buffers of this size, never allocated: saving works when
 * memory is short. */
#define ROOM 4096
#define MAX_LINKS 40 /* links followed in a row, as the kernel's limit */
#define MARK ".tmp-"
#define MARK_LEN 5
#define RANDOM_LEN 6
static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* 0, or an errno value. */
static int write_all(int fd, const unsigned char *p, size_t left)
{
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : EIO;
        p += w;
        left -= (size_t)w;
    }
    return 0;
}

static int fail(const char *path, const char *target, int e)
{
    if (target && strcmp(path, target) != 0)
        return hd_fail(HSEC_EIO, "%s (a link to %s): %s", path, target, strerror(e));
    return hd_fail(HSEC_EIO, "%s: %s", path, strerror(e));
}

/* The descriptor that /dev/stdout, /dev/stderr, /dev/fd/N or
 * /proc/self/fd/N stands for, or -1 for any other name. Such a name is
 * written through the descriptor the process already has, so that output
 * goes where it goes (appended, into a pipe, to a terminal) rather than a
 * new file taking the place of the one the descriptor has open. */
static int own_descriptor(const char *path)
{
    if (strcmp(path, "/dev/stdout") == 0)
        return STDOUT_FILENO;
    if (strcmp(path, "/dev/stderr") == 0)
        return STDERR_FILENO;
    const char *p = strncmp(path, "/dev/fd/", 8) == 0         ? path + 8
                    : strncmp(path, "/proc/self/fd/", 14) == 0 ? path + 14
                                                                : NULL;
    if (!p || !*p)
        return -1;
    int fd = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || fd > (INT_MAX - 9) / 10)
            return -1;
        fd = fd * 10 + (*p - '0');
    }
    return fd;
}

static int write_descriptor(const char *path, int fd, const void *data, size_t len)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return fail(path, NULL, errno);
    if (S_ISDIR(st.st_mode))
        return hd_fail(HSEC_EIO, "%s: is a directory", path);
    int e = write_all(fd, data, len);
    return e ? fail(path, NULL, e) : HSEC_OK;
}

/* A device or a pipe: opened as it is (nothing created or truncated), every
 * byte written, nothing renamed. A pipe's open waits for a reader. */
static int write_direct(const char *path, const void *data, size_t len)
{
    int fd;
    do
        fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return fail(path, NULL, errno);
    struct stat st;
    int e = fstat(fd, &st) != 0 ? errno : 0;
    if (!e && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
        close(fd); /* written to in place, a file would be half old, half new */
        return hd_fail(HSEC_EIO, "%s: replaced by a %s while being opened; nothing written",
                       path, S_ISREG(st.st_mode) ? "file" : "directory");
    }
    if (!e)
        e = write_all(fd, data, len);
    if (!e && S_ISBLK(st.st_mode) && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e && errno != EINTR)
        e = errno;
    return e ? fail(path, NULL, e) : HSEC_OK;
}

/* May this process follow the link at path (ls: its lstat)? Not one in a
 * sticky world-writable directory (/tmp) that belongs to neither it nor the
 * directory's owner: the rule the kernel's protected_symlinks applies to
 * open(), which renaming over the file the link names would bypass. */
static bool may_follow(char *path, const struct stat *ls)
{
    if (ls->st_uid == geteuid())
        return true;
    char *slash = strrchr(path, '/');
    struct stat ds;
    int rc;
    if (!slash) {
        rc = stat(".", &ds);
    } else if (slash == path) {
        rc = stat("/", &ds);
    } else {
        *slash = '\0';
        rc = stat(path, &ds);
        *slash = '/';
    }
    if (rc != 0)
        return false;
    bool shared = (ds.st_mode & S_ISVTX) && (ds.st_mode & S_IWOTH);
    return !shared || ds.st_uid == ls->st_uid;
}

/* The file path names into target (ROOM bytes), its symbolic links
 * followed; a dangling one gives the file it would name. 0 or an errno
 * value (EPERM: a link may_follow refuses). */
static int resolve(char *target, const char *path)
{
    size_t n = strlen(path);
    if (n >= ROOM)
        return ENAMETOOLONG;
    memcpy(target, path, n + 1);
    for (int hops = 0;; hops++) {
        struct stat ls;
        if (lstat(target, &ls) != 0)
            return errno == ENOENT ? 0 : errno;
        if (!S_ISLNK(ls.st_mode))
            return 0;
        if (hops == MAX_LINKS)
            return ELOOP;
        if (!may_follow(target, &ls))
            return EPERM;
        char link[ROOM];
        ssize_t k = readlink(target, link, sizeof link);
        if (k < 0)
            return errno;
        if ((size_t)k >= sizeof link)
            return ENAMETOOLONG;
        link[k] = '\0';
        size_t keep = 0; /* a relative link is relative to its own directory */
        const char *slash = strrchr(target, '/');
        if (link[0] != '/' && slash)
            keep = (size_t)(slash - target) + 1;
        if (keep + (size_t)k >= ROOM)
            return ENAMETOOLONG;
        memcpy(target + keep, link, (size_t)k + 1);
    }
}

/* Six random characters of alnum at out (no NUL). */
static void random_name(char *out)
{
    static atomic_uint_fast64_t counter;
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)atomic_fetch_add(&counter, 1) * 0x9e3779b97f4a7c15u;
    x ^= (uint64_t)getpid() << 32 ^ (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec;
    x ^= (uint64_t)(uintptr_t)out;
    x ^= x >> 30; /* splitmix64's finish */
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    x ^= x >> 31;
    for (int i = 0; i < RANDOM_LEN; i++, x /= 62)
        out[i] = alnum[x % 62];
}

/* Is name ".BASE.tmp-XXXXXX" for base (its first keep bytes)? */
static bool temp_of(const char *name, const char *base, size_t keep)
{
    if (name[0] != '.' || strncmp(name + 1, base, keep) != 0 ||
        strncmp(name + 1 + keep, MARK, MARK_LEN) != 0)
        return false;
    const char *x = name + 1 + keep + MARK_LEN;
    for (int i = 0; i < RANDOM_LEN; i++)
        if (!x[i] || !strchr(alnum, x[i]))
            return false;
    return x[RANDOM_LEN] == '\0';
}

/*
 * Remove the temporaries a crashed save of base left in directory dir:
 * regular files of this user named as base's temporaries, that no writer
 * holds. A writer keeps its temporary locked (flock) from its creation to
 * its rename, and a crash releases the lock, so a temporary that can be
 * locked is one nobody will rename. Anything else is left alone.
 */
static void remove_stale(const char *dir, const char *base, size_t keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return; /* an unreadable directory keeps its leftovers */
    int dfd = dirfd(d);
    uid_t me = geteuid();
    for (struct dirent *e; (e = readdir(d));) {
        const char *name = e->d_name;
        struct stat st, fs, now;
        if (!temp_of(name, base, keep) || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || st.st_uid != me)
            continue;
        int flags = O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
        int fd = openat(dfd, name, O_RDONLY | flags);
        if (fd < 0)
            fd = openat(dfd, name, O_WRONLY | flags); /* writing nothing */
        if (fd < 0)
            continue;
        if (fstat(fd, &fs) == 0 && fs.st_dev == st.st_dev && fs.st_ino == st.st_ino &&
            flock(fd, LOCK_EX | LOCK_NB) == 0 &&
            fstatat(dfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == fs.st_dev &&
            now.st_ino == fs.st_ino)
            unlinkat(dfd, name, 0);
        close(fd);
    }
    closedir(d);
}

/* A temporary ".BASE.tmp-XXXXXX" (base's first keep bytes) in the
 * directory tmp[0..at) names, created exclusively and locked: its
 * descriptor with its path in tmp, or -1 with errno. Its mode is 0666 less
 * the process's umask, which the kernel applies (reading the umask would
 * change it for every thread). */
static int create_temp(char *tmp, size_t at, const char *base, size_t keep)
{
    if (at + 1 + keep + MARK_LEN + RANDOM_LEN >= ROOM) {
        errno = ENAMETOOLONG;
        return -1;
    }
    char *p = tmp + at;
    *p++ = '.';
    memcpy(p, base, keep);
    p += keep;
    memcpy(p, MARK, MARK_LEN);
    p += MARK_LEN;
    p[RANDOM_LEN] = '\0';
    for (int attempt = 0; attempt < 100; attempt++) {
        random_name(p);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == EEXIST || errno == EINTR)
                continue;
            return -1;
        }
        int lk, e = 0;
        do
            lk = flock(fd, LOCK_EX | LOCK_NB);
        while (lk != 0 && (e = errno) == EINTR);
        struct stat st;
        /* a file system without locks has no cleaning either; a lock
         * another save took (taking it for a crash's) or a file it already
         * removed: another name */
        if ((lk == 0 || e != EWOULDBLOCK) && fstat(fd, &st) == 0 && st.st_nlink > 0)
            return fd;
        close(fd);
    }
    errno = EEXIST;
    return -1;
}

/* A replaced file keeps its owner and group where this process may give
 * them (root: both; a member of the file's group: the group). */
static int keep_owner(int fd, const struct stat *st)
{
    if (st->st_uid == geteuid() && st->st_gid == getegid())
        return 0;
    if (fchown(fd, st->st_uid, st->st_gid) == 0)
        return 0;
    if (errno != EPERM && errno != EINVAL)
        return errno;
    if (fchown(fd, (uid_t)-1, st->st_gid) != 0 && errno != EPERM && errno != EINVAL)
        return errno;
    return 0;
}

/* Write path, whose file is target (the links followed), through a
 * temporary beside target renamed over it. */
static int replace(const char *path, const char *target, const void *data, size_t len)
{
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    size_t at = slash ? (size_t)(slash - target) + 1 : 0; /* the directory, its slash kept */
    if (!*base)
        return hd_fail(HSEC_EIO, "%s: is a directory", path);
    struct stat st;
    bool exists = lstat(target, &st) == 0;
    if (exists && !S_ISREG(st.st_mode))
        return hd_fail(HSEC_EIO, "%s: %s while being saved; nothing written", path,
                       S_ISDIR(st.st_mode) ? "became a directory" : "is no longer a file");
    char tmp[ROOM];
    memcpy(tmp, target, at);
    memcpy(tmp + at, ".", 2); /* the directory itself */
    long name_max = pathconf(tmp, _PC_NAME_MAX);
    if (name_max <= 0)
        name_max = 255;
    /* a name as long as the file system takes keeps the temporary's name
     * within it too; its start stays base's */
    size_t keep = strlen(base), room = (size_t)name_max - (1 + MARK_LEN + RANDOM_LEN);
    if ((size_t)name_max > 1 + MARK_LEN + RANDOM_LEN && keep > room)
        keep = room;
    remove_stale(tmp, base, keep);
    int fd = create_temp(tmp, at, base, keep);
    if (fd < 0)
        return fail(path, target, errno);
    int e = exists ? keep_owner(fd, &st) : 0;
    /* a replaced file keeps its permissions (after fchown, which clears
     * set-user-ID and set-group-ID) */
    if (!e && exists && fchmod(fd, st.st_mode & 07777) != 0)
        e = errno;
    if (!e)
        e = write_all(fd, data, len);
    if (!e && fsync(fd) != 0)
        e = errno;
    if (!e && rename(tmp, target) != 0)
        e = errno;
    if (e)
        unlink(tmp);
    close(fd); /* the lock held until the name is gone */
    if (e)
        return fail(path, target, e);
    /* the rename lasts only once the directory is on disk too */
    memcpy(tmp + at, ".", 2);
    int dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return HSEC_OK;
}

int hsec_write_file(const char *path, const void *data, size_t len)
{
    if (!path || (!data && len))
        return hd_fail(HSEC_EINVAL, "write_file: %s is NULL", path ? "data" : "the path");
    if (!*path)
        return hd_fail(HSEC_EINVAL, "write_file: the path is empty");
    int fd = own_descriptor(path);
    if (fd >= 0)
        return write_descriptor(path, fd, data, len);
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return hd_fail(HSEC_EIO, "%s: is a directory", path);
        if (S_ISSOCK(st.st_mode))
            return hd_fail(HSEC_EIO, "%s: is a socket (hsec writes files, devices and pipes)",
                           path);
        if (!S_ISREG(st.st_mode))
            return write_direct(path, data, len);
    } else if (errno != ENOENT) { /* ENOENT: a new file, or a dangling link's */
        return fail(path, NULL, errno);
    }
    char target[ROOM];
    int e = resolve(target, path);
    if (e == EPERM)
        return hd_fail(HSEC_EIO, "%s: a link in a shared sticky directory that belongs to "
                       "neither this user nor the directory's owner: not followed", path);
    if (e)
        return fail(path, NULL, e);
    return replace(path, target, data, len);
}
