// execve error paths: a corrupt ELF gets ENOEXEC, a missing file ENOENT, a directory and a
// file without execute permission EACCES, a too-short file ENOEXEC; then a good exec works.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void try(const char *path) {
    char *argv[] = {(char *)path, NULL};
    char *envp[] = {NULL};
    execve(path, argv, envp);
    printf("%s: %s\n", path, strerror(errno));
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    (void)argc;
    (void)argv;
    try("/cprog/corrupt.elf");
    try("/cprog/short.elf");
    try("/nonexistent");
    try("/tmp");
    try("/etc/passwd");
    char *echo[] = {"echo", "exec works", NULL};
    char *envp[] = {NULL};
    execve("/bin/busybox", echo, envp);
    return 1;
}
