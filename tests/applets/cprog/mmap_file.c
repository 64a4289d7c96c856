// mmap of files: MAP_PRIVATE reads and copy-on-write (the file is unchanged), MAP_SHARED
// read-only reads, and MAP_SHARED writes that read() and a second mapping in another process
// see, with msync; then the file is truncated and extended through ftruncate.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static char page[8192];

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *path = "/tmp/mapped";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return 2;
    for (int i = 0; i < (int)sizeof(page); i++) page[i] = (char)('a' + i % 26);
    if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page)) return 3;

    char *priv = mmap(NULL, sizeof(page), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (priv == MAP_FAILED) return 4;
    printf("private read: %.5s ... %.3s\n", priv, priv + 4096);
    priv[0] = 'X';
    char first;
    pread(fd, &first, 1, 0);
    printf("private write: map '%c', file '%c'\n", priv[0], first);
    munmap(priv, sizeof(page));

    char *ro = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
    if (ro == MAP_FAILED) return 5;
    printf("shared read at offset 4096: %.4s\n", ro);
    munmap(ro, 4096);

    char *sh = mmap(NULL, sizeof(page), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (sh == MAP_FAILED) {
        printf("shared writable mapping failed: %s\n", strerror(errno));
        return 1;
    }
    memcpy(sh + 10, "SHARED", 6);
    char buf[7] = {0};
    pread(fd, buf, 6, 10);
    printf("shared write seen by read(): %s\n", buf);
    pid_t child = fork();
    if (child == 0) {
        int cfd = open(path, O_RDWR);
        char *c = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
        if (c == MAP_FAILED) _exit(9);
        printf("child sees: %.6s\n", c + 10);
        memcpy(c + 20, "CHILD", 5);
        msync(c, 4096, MS_SYNC);
        _exit(0);
    }
    int st;
    waitpid(child, &st, 0);
    printf("child status %d, parent map sees: %.5s\n", WEXITSTATUS(st), sh + 20);
    if (msync(sh, sizeof(page), MS_SYNC) != 0) printf("msync failed: %s\n", strerror(errno));
    munmap(sh, sizeof(page));
    memset(buf, 0, sizeof(buf));
    pread(fd, buf, 5, 20);
    printf("file after unmap: %s\n", buf);
    close(fd);
    return 0;
}
