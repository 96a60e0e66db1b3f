/* hsec_write_file on what a path can name: a new or existing file
 * (replaced atomically, keeping its permissions, owner and group), a
 * symbolic link (followed, and kept), a device, a pipe, a descriptor of the
 * process, a directory (refused); and the temporaries a crash leaves. */
#define _DEFAULT_SOURCE /* flock */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/hsec-files-XXXXXX";

/* A path in the test's directory; it lasts for 63 more calls. */
static char *path_of(const char *name)
{
    static char buf[64][512];
    static int k;
    k = (k + 1) % 64;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

static void assert_content(const char *path, const char *text)
{
    size_t n;
    unsigned char *b = read_file(path, &n);
    assert_int_equal(n, strlen(text));
    assert_memory_equal(b, text, n);
    free(b);
}

/* How many entries of dir (. and .. aside) contain part. */
static int entries_with(const char *d, const char *part)
{
    DIR *dp = opendir(d);
    assert_non_null(dp);
    int n = 0;
    for (struct dirent *e; (e = readdir(dp));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strstr(e->d_name, part);
    closedir(dp);
    return n;
}

/* A device is written as it is: /dev/null stays /dev/null. */
static void test_device(void **state)
{
    (void)state;
    OK(hsec_write_file("/dev/null", "discarded", 9));
    struct stat st;
    assert_int_equal(lstat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
}

typedef struct writer {
    const char *path;
    const char *data;
    size_t len;
    int rc;
    char msg[HSEC_ERRMSG_MAX]; /* the writing thread's */
    atomic_bool done;
} writer;

static void *write_thread(void *arg)
{
    writer *w = arg;
    w->rc = hsec_write_file(w->path, w->data, w->len);
    snprintf(w->msg, sizeof w->msg, "%s", hsec_last_errmsg());
    atomic_store(&w->done, true);
    return NULL;
}

/* A pipe is written directly, every byte, more than its buffer holds; it
 * stays a pipe. The reader is this thread; the write is another's. */
static void test_fifo(void **state)
{
    (void)state;
    const char *fifo = path_of("fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    size_t len = 1 << 20;
    char *data = malloc(len), *got = malloc(len + 1);
    assert_non_null(data);
    assert_non_null(got);
    for (size_t i = 0; i < len; i++)
        data[i] = (char)('a' + i % 26);
    /* opened for reading first (without waiting), so that the writer's
     * open finds a reader */
    int r = open(fifo, O_RDONLY | O_NONBLOCK);
    assert_true(r >= 0);
    writer w = {fifo, data, len, -1, "", false};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, write_thread, &w), 0);
    size_t n = 0;
    for (;;) {
        ssize_t k = read(r, got + n, len + 1 - n);
        if (k > 0) {
            n += (size_t)k;
            continue;
        }
        if (k < 0 && errno != EAGAIN)
            break;
        if (atomic_load(&w.done)) { /* the writer is gone: what it wrote is here */
            while ((k = read(r, got + n, len + 1 - n)) > 0)
                n += (size_t)k;
            break;
        }
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    pthread_join(t, NULL);
    close(r);
    if (w.rc != HSEC_OK)
        fail_msg("writing to a pipe: %s", w.msg);
    assert_int_equal(n, len);
    assert_memory_equal(got, data, len);
    struct stat st;
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    free(data);
    free(got);
}

/* /dev/fd/N and /dev/stdout name the process's own descriptors: written
 * through them (a pipe's end; a file opened to append, appended to). */
static void test_own_descriptor(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    char name[64];
    snprintf(name, sizeof name, "/dev/fd/%d", p[1]);
    OK(hsec_write_file(name, "through the pipe", 16));
    char got[32] = {0};
    assert_int_equal(read(p[0], got, sizeof got), 16);
    assert_memory_equal(got, "through the pipe", 16);
    close(p[0]);
    close(p[1]);

    const char *log = path_of("append.log");
    put_file(log, "first\n");
    int fd = open(log, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    snprintf(name, sizeof name, "/proc/self/fd/%d", fd);
    OK(hsec_write_file(name, "second\n", 7));
    close(fd);
    assert_content(log, "first\nsecond\n");

    /* standard output, whatever it is here (a pipe, a file, a terminal) */
    fflush(stdout);
    OK(hsec_write_file("/dev/stdout", "", 0));
    assert_int_equal(hsec_write_file("/dev/fd/999999", "x", 1), HSEC_EIO);
}

/* A link is followed: the file it names is replaced atomically (a new
 * file: a descriptor open on the old one still reads the old text), and
 * the link stays a link, as do links to links; a relative link is relative
 * to its own directory, and the temporary is made beside the file. */
static void test_symlink(void **state)
{
    (void)state;
    assert_int_equal(mkdir(path_of("real"), 0755), 0);
    assert_int_equal(mkdir(path_of("links"), 0755), 0);
    const char *real = path_of("real/report.json");
    put_file(real, "old text");
    assert_int_equal(symlink("../real/report.json", path_of("links/one")), 0);
    assert_int_equal(symlink("one", path_of("links/two")), 0);
    int old = open(real, O_RDONLY);
    assert_true(old >= 0);
    OK(hsec_write_file(path_of("links/two"), "new text", 8));
    assert_content(real, "new text");
    char back[16] = {0};
    assert_int_equal(pread(old, back, sizeof back, 0), 8);
    assert_memory_equal(back, "old text", 8); /* replaced, not written over */
    close(old);
    struct stat st;
    char target[64] = {0};
    assert_int_equal(lstat(path_of("links/one"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(readlink(path_of("links/one"), target, sizeof target - 1), 19);
    assert_string_equal(target, "../real/report.json");
    assert_int_equal(lstat(path_of("links/two"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(entries_with(path_of("real"), ".tmp-"), 0);
    assert_int_equal(entries_with(path_of("links"), ".tmp-"), 0);
    assert_int_equal(entries_with(path_of("real"), ""), 1);

    /* a dangling link: the file it names is created, the link kept */
    assert_int_equal(symlink("../real/new.json", path_of("links/dangling")), 0);
    OK(hsec_write_file(path_of("links/dangling"), "created", 7));
    assert_content(path_of("real/new.json"), "created");
    assert_int_equal(lstat(path_of("links/dangling"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    /* into a directory that does not exist: refused, naming the link's file */
    assert_int_equal(symlink("no/such/dir/x", path_of("links/nowhere")), 0);
    assert_int_equal(hsec_write_file(path_of("links/nowhere"), "x", 1), HSEC_EIO);
    assert_non_null(strstr(hsec_last_errmsg(), "no/such/dir/x"));
    /* a loop of links */
    assert_int_equal(symlink("loop-b", path_of("links/loop-a")), 0);
    assert_int_equal(symlink("loop-a", path_of("links/loop-b")), 0);
    assert_int_equal(hsec_write_file(path_of("links/loop-a"), "x", 1), HSEC_EIO);
}

/* As root: a link another user put in a shared sticky directory (/tmp's
 * kind) is not followed, as the kernel's protected_symlinks would not. */
static void test_protected_symlink(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    const char *shared = path_of("shared");
    assert_int_equal(mkdir(shared, 0755), 0);
    assert_int_equal(chmod(shared, 01777), 0);
    const char *victim = path_of("victim");
    put_file(victim, "keep");
    const char *link = path_of("shared/out.json");
    assert_int_equal(symlink(victim, link), 0);
    assert_int_equal(lchown(link, 4242, 4242), 0);
    assert_int_equal(hsec_write_file(link, "x", 1), HSEC_EIO);
    assert_non_null(strstr(hsec_last_errmsg(), "not followed"));
    assert_content(victim, "keep");
    /* the directory owner's own link is followed */
    assert_int_equal(lchown(link, 0, 0), 0);
    OK(hsec_write_file(link, "mine", 4));
    assert_content(victim, "mine");
}

/* As root: a replaced file keeps its owner and group, and its permissions
 * (set after the owner, which would clear set-group-ID). */
static void test_owner_kept(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    const char *p = path_of("owned.json");
    put_file(p, "theirs");
    assert_int_equal(chown(p, 4321, 5432), 0);
    assert_int_equal(chmod(p, 02640), 0);
    OK(hsec_write_file(p, "replaced", 8));
    assert_content(p, "replaced");
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_uid, 4321);
    assert_int_equal(st.st_gid, 5432);
    assert_int_equal(st.st_mode & 07777, 02640);
}

/* Permissions: a replaced file keeps its own; a new one gets 0666 less the
 * umask. */
static void test_permissions(void **state)
{
    (void)state;
    const char *p = path_of("perm.json");
    put_file(p, "x");
    assert_int_equal(chmod(p, 0604), 0);
    OK(hsec_write_file(p, "y", 1));
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0604);
    mode_t old = umask(027);
    OK(hsec_write_file(path_of("fresh.json"), "z", 1));
    umask(old);
    assert_int_equal(stat(path_of("fresh.json"), &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
}

/* A temporary a crashed save of the same file left (".NAME.tmp-XXXXXX", a
 * regular file of ours that nobody holds) is removed by the next save;
 * nothing else is: other names, other files' temporaries, links,
 * directories, and a temporary a save in progress holds. */
static void test_stale_temporary(void **state)
{
    (void)state;
    assert_int_equal(mkdir(path_of("stale"), 0755), 0);
    char out[512], held[512]; /* kept through many calls of path_of */
    snprintf(out, sizeof out, "%s", path_of("stale/out.json"));
    snprintf(held, sizeof held, "%s", path_of("stale/.out.json.tmp-Held12"));
    put_file(out, "old");
    put_file(path_of("stale/.out.json.tmp-AbC123"), "left by a crash");
    put_file(path_of("stale/.out.json.tmp-9zZ9zz"), "another crash");
    const char *keep[] = {".out.json.tmp-AbC12", ".out.json.tmp-AbC1234", ".out.json.tmp-AbC12!",
                          ".other.json.tmp-AbC123", "out.json.tmp-AbC123", ".out.json.tmp-",
                          ".out.jso.tmp-AbC123"};
    size_t nkeep = sizeof keep / sizeof *keep;
    char name[128];
    for (size_t i = 0; i < nkeep; i++) {
        snprintf(name, sizeof name, "stale/%s", keep[i]);
        put_file(path_of(name), "not a temporary of out.json");
    }
    assert_int_equal(symlink("out.json", path_of("stale/.out.json.tmp-Link12")), 0);
    assert_int_equal(mkdir(path_of("stale/.out.json.tmp-Dir123"), 0755), 0);
    put_file(held, "a save in progress");
    int hfd = open(held, O_RDONLY);
    assert_true(hfd >= 0);
    assert_int_equal(flock(hfd, LOCK_EX), 0);
    if (geteuid() == 0) { /* another user's, of the same name */
        put_file(path_of("stale/.out.json.tmp-Other1"), "theirs");
        assert_int_equal(chown(path_of("stale/.out.json.tmp-Other1"), 4321, 4321), 0);
    }

    OK(hsec_write_file(out, "new", 3));
    assert_content(out, "new");
    assert_int_equal(access(path_of("stale/.out.json.tmp-AbC123"), F_OK), -1);
    assert_int_equal(access(path_of("stale/.out.json.tmp-9zZ9zz"), F_OK), -1);
    for (size_t i = 0; i < nkeep; i++) {
        snprintf(name, sizeof name, "stale/%s", keep[i]);
        assert_content(path_of(name), "not a temporary of out.json");
    }
    struct stat st;
    assert_int_equal(lstat(path_of("stale/.out.json.tmp-Link12"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(lstat(path_of("stale/.out.json.tmp-Dir123"), &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_content(held, "a save in progress");
    if (geteuid() == 0)
        assert_content(path_of("stale/.out.json.tmp-Other1"), "theirs");
    close(hfd);
    /* released, it is a crash's leftover: the next save removes it */
    OK(hsec_write_file(out, "newer", 5));
    assert_int_equal(access(held, F_OK), -1);
    /* out.json, the 7 kept names, the link, the directory (and another's) */
    assert_int_equal(entries_with(path_of("stale"), ""), 10 + (geteuid() == 0));
}

/* Saves of one file from many threads at once: each one whole, none lost
 * to another's cleaning, and no temporary left. */
typedef struct racer {
    const char *path;
    int rc[50];
    char text[32];
} racer;

static void *race_thread(void *arg)
{
    racer *r = arg;
    for (int i = 0; i < 50; i++)
        r->rc[i] = hsec_write_file(r->path, r->text, strlen(r->text));
    return NULL;
}

static void test_concurrent_saves(void **state)
{
    (void)state;
    assert_int_equal(mkdir(path_of("race"), 0755), 0);
    const char *p = path_of("race/out.json");
    racer rs[4];
    pthread_t t[4];
    for (int k = 0; k < 4; k++) {
        rs[k].path = p;
        snprintf(rs[k].text, sizeof rs[k].text, "writer %d's whole text", k);
        assert_int_equal(pthread_create(&t[k], NULL, race_thread, &rs[k]), 0);
    }
    for (int k = 0; k < 4; k++)
        pthread_join(t[k], NULL);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 50; i++)
            assert_int_equal(rs[k].rc[i], HSEC_OK);
    size_t n;
    unsigned char *b = read_file(p, &n);
    assert_int_equal(n, strlen(rs[0].text));
    assert_memory_equal(b, "writer ", 7);
    free(b);
    assert_int_equal(entries_with(path_of("race"), ""), 1);
}

/* A directory is refused, by name, and nothing is made beside it. */
static void test_directory(void **state)
{
    (void)state;
    assert_int_equal(mkdir(path_of("box"), 0755), 0);
    assert_int_equal(mkdir(path_of("box/adir"), 0755), 0);
    assert_int_equal(hsec_write_file(path_of("box/adir"), "x", 1), HSEC_EIO);
    assert_non_null(strstr(hsec_last_errmsg(), "is a directory"));
    assert_int_equal(symlink("adir", path_of("box/dirlink")), 0);
    assert_int_equal(hsec_write_file(path_of("box/dirlink"), "x", 1), HSEC_EIO);
    assert_non_null(strstr(hsec_last_errmsg(), "is a directory"));
    assert_int_equal(hsec_write_file(path_of("box/new/"), "x", 1), HSEC_EIO);
    assert_int_equal(entries_with(path_of("box"), ""), 2);
    assert_int_equal(entries_with(path_of("box/adir"), ""), 0);
    assert_int_equal(hsec_write_file("", "x", 1), HSEC_EINVAL);
}

/* The longest name the file system takes is saved, and its temporary
 * (a shortened name) is cleaned after a crash like any other. */
static void test_long_name(void **state)
{
    (void)state;
    assert_int_equal(mkdir(path_of("long"), 0755), 0);
    char name[300] = "long/";
    memset(name + 5, 'n', 255);
    name[260] = '\0';
    OK(hsec_write_file(path_of(name), "long", 4));
    OK(hsec_write_file(path_of(name), "longer", 6));
    assert_content(path_of(name), "longer");
    assert_int_equal(entries_with(path_of("long"), ""), 1);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwX %s; rm -rf %s", dir, dir);
    return system(cmd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device),
        cmocka_unit_test(test_fifo),
        cmocka_unit_test(test_own_descriptor),
        cmocka_unit_test(test_symlink),
        cmocka_unit_test(test_protected_symlink),
        cmocka_unit_test(test_owner_kept),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_stale_temporary),
        cmocka_unit_test(test_concurrent_saves),
        cmocka_unit_test(test_directory),
        cmocka_unit_test(test_long_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
