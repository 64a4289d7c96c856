// A plain main() for fuzz targets, buildable by gcc without any fuzzing engine: runs every
// file named on the command line (directories: every file inside) through the target once.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool read_file(const std::string& path, std::vector<uint8_t>* out) {
    FILE* f = fopen(path.c_str(), "rb");
    if (!f) return false;
    uint8_t buf[4096];
    size_t n;
    out->clear();
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        out->insert(out->end(), buf, buf + n);
    fclose(f);
    return true;
}

int run_path(const std::string& path) {
    struct stat st{};
    if (stat(path.c_str(), &st) != 0) {
        fprintf(stderr, "cannot stat %s\n", path.c_str());
        return 1;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR* d = opendir(path.c_str());
        if (!d) return 1;
        std::vector<std::string> names;
        while (dirent* e = readdir(d))
            if (e->d_name[0] != '.') names.push_back(path + "/" + e->d_name);
        closedir(d);
        std::sort(names.begin(), names.end());  // sequences replay in name order
        int rc = 0;
        for (const auto& n : names)
            rc |= run_path(n);
        return rc;
    }
    std::vector<uint8_t> data;
    if (!read_file(path, &data)) {
        fprintf(stderr, "cannot read %s\n", path.c_str());
        return 1;
    }
    fprintf(stderr, "Running: %s (%zu bytes)\n", path.c_str(), data.size());
    LLVMFuzzerTestOneInput(data.data(), data.size());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    LLVMFuzzerInitialize(&argc, &argv);
    int rc = 0;
    for (int i = 1; i < argc; ++i)
        rc |= run_path(argv[i]);
    return rc;
}
