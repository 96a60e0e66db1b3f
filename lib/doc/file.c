/* Writing files whole and atomically. */
#include "doc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A temporary file in path's directory, created exclusively: its name in
 * tmp (size bytes), a descriptor, or -1 with errno. The name is short, so
 * that any name the file system takes for path works. Its mode is 0666
 * less the process's umask, which the kernel applies (reading the umask
 * would change it for every thread). */
static int create_temp(char *tmp, size_t size, const char *path)
{
    static atomic_uint counter;
    const char *slash = strrchr(path, '/');
    int dir = slash ? (int)(slash - path) + 1 : 0; /* keeps the slash */
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned k = atomic_fetch_add(&counter, 1);
        int n = snprintf(tmp, size, "%.*s.hsec-%ld-%u.tmp", dir, path, (long)getpid(), k);
        if (n < 0 || (size_t)n >= size) {
            errno = ENAMETOOLONG;
            return -1;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

int hsec_write_file(const char *path, const void *data, size_t len)
{
    if (!path || (!data && len))
        return hd_fail(HSEC_EINVAL, "write_file: %s is NULL", path ? "data" : "the path");
    /* only a regular file is replaced: renaming over a device, a pipe or a
     * link would put a file in its place */
    struct stat st;
    bool exists = lstat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode))
        return hd_fail(HSEC_EIO, "%s: not a regular file (hsec replaces files whole, "
                       "atomically; write to a file, then copy)", path);
    char tmp[4096]; /* no allocation: saving works when memory is short */
    int fd = create_temp(tmp, sizeof tmp, path);
    if (fd < 0)
        return hd_fail(HSEC_EIO, "%s: %s", path, strerror(errno));
    /* a replaced file keeps its permissions */
    bool ok = !exists || fchmod(fd, st.st_mode & 07777) == 0;
    const unsigned char *p = data;
    size_t left = len;
    while (ok && left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        if (ok) {
            p += w;
            left -= (size_t)w;
        }
    }
    int e = ok ? 0 : errno;
    if (ok && fsync(fd) != 0) {
        ok = false;
        e = errno;
    }
    if (close(fd) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        unlink(tmp);
        return hd_fail(HSEC_EIO, "%s: %s", path, strerror(e ? e : EIO));
    }
    /* the rename lasts only once the directory is on disk too */
    char *slash = strrchr(tmp, '/');
    if (slash)
        *slash = '\0';
    int dfd = open(slash ? (tmp[0] ? tmp : "/") : ".", O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return HSEC_OK;
}
