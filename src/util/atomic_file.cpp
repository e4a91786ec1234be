#include "util/atomic_file.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace parlance {

void check_output_file(const std::string& path, const std::string& option) {
  namespace fs = std::filesystem;
  const fs::path p(path);
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (fs::is_directory(p)) throw UserError(option + " " + path + ": is a folder; give a file name");
  if (!fs::is_directory(folder)) throw UserError(option + " " + path + ": the folder " + folder.string() + " does not exist");
  if (access(folder.c_str(), W_OK) != 0) throw UserError(option + " " + path + ": the folder " + folder.string() + " is not writable");
}

void create_output_folder(const std::string& path, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(path, ec) && !fs::is_directory(path, ec))
    throw UserError(path + ": exists and is not a folder (wanted as " + what + ")");
  fs::create_directories(path, ec);
  if (ec) throw UserError(path + ": cannot create " + what + " (" + ec.message() + ")");
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw UserError(path + ": cannot write (does the folder exist?)");
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw UserError(path + ": write failed (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw UserError(path + ": cannot rename into place: " + ec.message());
  }
}

}  // namespace parlance
