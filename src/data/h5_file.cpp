#include "data/h5_file.h"

#include <mpi.h>

#include <algorithm>
#include <stdexcept>

#include "comm/mpi_world.h"
#include "util/error.h"

namespace parlance {
namespace {

// Closes an HDF5 handle with the right function when it leaves scope.
struct H5Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~H5Handle() {
    if (id >= 0) close(id);
  }
  operator hid_t() const { return id; }
};

// HDF5's own words for the error just raised: the innermost entry of its
// error stack (where the failure started), as "function: description".
std::string h5_error_message() {
  std::string msg;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned, const H5E_error2_t* e, void* out) -> herr_t {
        auto* m = static_cast<std::string*>(out);
        if (m->empty() && e->desc) *m = std::string(e->func_name ? e->func_name : "?") + ": " + e->desc;
        return 0;
      },
      &msg);
  return msg.empty() ? "no HDF5 error message" : msg;
}

// Checked HDF5 calls: the file, the operation and HDF5's message.
void check(const std::string& file, herr_t rc, const std::string& what) {
  if (rc < 0) throw std::runtime_error(file + ": HDF5 " + what + " failed: " + h5_error_message());
}

hid_t check_id(const std::string& file, hid_t id, const std::string& what) {
  check(file, id < 0 ? -1 : 0, what);
  return id;
}

H5Handle vlen_utf8_type() {
  H5Handle t{H5Tcopy(H5T_C_S1), H5Tclose};
  check("(string type)", H5Tset_size(t, H5T_VARIABLE), "H5Tset_size");
  check("(string type)", H5Tset_cset(t, H5T_CSET_UTF8), "H5Tset_cset");
  return t;
}

constexpr uint64_t kSliceBytes = 16ull << 20;  // per write, per rank: the buffer's bound

}  // namespace

ParallelH5Writer::ParallelH5Writer(const std::string& path) : path_(path) {
  H5Handle fapl{H5Pcreate(H5P_FILE_ACCESS), H5Pclose};
  check(path_, H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL), "H5Pset_fapl_mpio");
  file_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (file_ < 0) throw UserError(path + ": cannot create HDF5 file (does the folder exist and is it writable?)");
}

ParallelH5Writer::~ParallelH5Writer() {
  if (file_ >= 0) H5Fclose(file_);
}

void ParallelH5Writer::close() {
  if (file_ >= 0) check(path_, H5Fclose(file_), "H5Fclose");
  file_ = -1;
}

void ParallelH5Writer::create_group(const std::string& name) {
  H5Handle g{check_id(path_, H5Gcreate2(file_, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create group " + name),
             H5Gclose};
}

void ParallelH5Writer::write_concat_raw(const std::string& name, hid_t type, size_t elem, uint64_t local_n,
                                        const std::function<void(void*, uint64_t, uint64_t)>& fill) {
  const uint64_t first = mpi::exscan_sum(local_n);
  const hsize_t total = mpi::allreduce_sum(local_n);
  H5Handle space{H5Screate_simple(1, &total, nullptr), H5Sclose};
  H5Handle dset{check_id(path_, H5Dcreate2(file_, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                         "create dataset " + name),
                H5Dclose};
  // Each rank writes its own contiguous slab on its own (independent
  // transfers): the slabs never overlap, and collective transfers' two-phase
  // exchange and per-round synchronization made 2 ranks write aclImdb's
  // datasets slower than 1 rank did. Creating the dataset stays collective.
  H5Handle dxpl{H5Pcreate(H5P_DATASET_XFER), H5Pclose};
  check(path_, H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_INDEPENDENT), "H5Pset_dxpl_mpio");
  const uint64_t slice = std::max<uint64_t>(1, kSliceBytes / elem);
  const size_t need = static_cast<size_t>(std::min(slice, local_n) * elem);
  if (need > buf_bytes_) buf_.reset(new char[need]), buf_bytes_ = need;  // uninitialized: fill writes every byte
  for (uint64_t begin = 0; begin < local_n; begin += slice) {
    hsize_t count = std::min(slice, local_n - begin), offset = first + begin;
    H5Handle mem{H5Screate_simple(1, &count, nullptr), H5Sclose};
    H5Handle file_space{H5Dget_space(dset), H5Sclose};
    fill(buf_.get(), begin, count);
    check(path_, H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &offset, nullptr, &count, nullptr), "select");
    check(path_, H5Dwrite(dset, type, mem, file_space, dxpl, buf_.get()), "write " + name);
  }
}

H5File::H5File(const std::string& path, Mode mode) : path_(path) {
  H5E_BEGIN_TRY { file_ = H5Fopen(path.c_str(), mode == Mode::Read ? H5F_ACC_RDONLY : H5F_ACC_RDWR, H5P_DEFAULT); }
  H5E_END_TRY;
  if (file_ < 0) throw UserError(path + ": cannot open as HDF5 (missing, unreadable or not a prepared dataset)");
}

H5File::~H5File() {
  if (file_ >= 0) H5Fclose(file_);
}

bool H5File::exists(const std::string& name) const {
  // Check each path component, since H5Lexists fails on a missing parent.
  size_t pos = 0;
  while (true) {
    pos = name.find('/', pos + 1);
    std::string prefix = name.substr(0, pos);
    htri_t e;
    H5E_BEGIN_TRY { e = H5Lexists(file_, prefix.c_str(), H5P_DEFAULT); }
    H5E_END_TRY;
    if (e <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

std::vector<std::string> H5File::children(const std::string& group) const {
  std::vector<std::string> out;
  H5Handle g{check_id(path_, H5Gopen2(file_, group.c_str(), H5P_DEFAULT), "open group " + group), H5Gclose};
  H5G_info_t info;
  check(path_, H5Gget_info(g, &info), "group info");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    std::string name(static_cast<size_t>(len), '\0');
    H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1, H5P_DEFAULT);
    out.push_back(name);
  }
  return out;
}

uint64_t H5File::length(const std::string& dataset) const {
  if (!exists(dataset)) throw UserError(path_ + ": no dataset " + dataset);
  H5Handle d{check_id(path_, H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), "open " + dataset), H5Dclose};
  H5Handle s{H5Dget_space(d), H5Sclose};
  hsize_t dims[1] = {0};
  if (H5Sget_simple_extent_ndims(s) != 1) throw UserError(path_ + ": " + dataset + " is not one-dimensional");
  H5Sget_simple_extent_dims(s, dims, nullptr);
  return dims[0];
}

void H5File::read_raw(const std::string& dataset, hid_t type, void* dst, uint64_t first, uint64_t n) const {
  H5Handle d{check_id(path_, H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), "open " + dataset), H5Dclose};
  H5Handle fs{H5Dget_space(d), H5Sclose};
  hsize_t off = first, cnt = n;
  check(path_, H5Sselect_hyperslab(fs, H5S_SELECT_SET, &off, nullptr, &cnt, nullptr), "select");
  H5Handle ms{H5Screate_simple(1, &cnt, nullptr), H5Sclose};
  check(path_, H5Dread(d, type, ms, fs, H5P_DEFAULT, dst), "read " + dataset);
}

std::vector<std::string> H5File::read_strings(const std::string& dataset) const {
  uint64_t n = length(dataset);
  std::vector<char*> raw(n, nullptr);
  H5Handle d{check_id(path_, H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), "open " + dataset), H5Dclose};
  H5Handle t = vlen_utf8_type();
  if (n) check(path_, H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), "read " + dataset);
  std::vector<std::string> out;
  out.reserve(n);
  for (char* s : raw) out.emplace_back(s ? s : "");
  if (n) {
    H5Handle s{H5Dget_space(d), H5Sclose};
    H5Dvlen_reclaim(t, s, H5P_DEFAULT, raw.data());
  }
  return out;
}

void H5File::create_group(const std::string& name) {
  H5Handle g{check_id(path_, H5Gcreate2(file_, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "create group " + name),
             H5Gclose};
}

void H5File::write_raw(const std::string& dataset, hid_t type, hsize_t n, const void* data) {
  H5Handle s{H5Screate_simple(1, &n, nullptr), H5Sclose};
  H5Handle d{check_id(path_, H5Dcreate2(file_, dataset.c_str(), type, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      "create " + dataset),
             H5Dclose};
  if (n) check(path_, H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + dataset);
}

void H5File::write_strings(const std::string& dataset, const std::vector<std::string>& values) {
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  H5Handle t = vlen_utf8_type();
  write_raw(dataset, t, values.size(), ptrs.data());
}

void H5File::write_u64(const std::string& dataset, const std::vector<uint64_t>& values) {
  write_raw(dataset, H5T_NATIVE_UINT64, values.size(), values.data());
}

void H5File::write_bytes(const std::string& dataset, const std::string& bytes) {
  write_raw(dataset, H5T_NATIVE_UINT8, bytes.size(), bytes.data());
}

std::string H5File::read_bytes(const std::string& dataset) const {
  auto v = read<uint8_t>(dataset);
  return std::string(v.begin(), v.end());
}

void H5File::set_attr(const std::string& object, const std::string& name, const std::string& value) {
  H5Handle t = vlen_utf8_type();
  H5Handle s{H5Screate(H5S_SCALAR), H5Sclose};
  H5Handle a{check_id(path_, H5Acreate_by_name(file_, object.c_str(), name.c_str(), t, s, H5P_DEFAULT, H5P_DEFAULT,
                                        H5P_DEFAULT),
                      "create attribute " + name),
             H5Aclose};
  const char* p = value.c_str();
  check(path_, H5Awrite(a, t, &p), "write attribute " + name);
}

void H5File::set_attr(const std::string& object, const std::string& name, int64_t value) {
  H5Handle s{H5Screate(H5S_SCALAR), H5Sclose};
  H5Handle a{check_id(path_, H5Acreate_by_name(file_, object.c_str(), name.c_str(), H5T_NATIVE_INT64, s, H5P_DEFAULT,
                                        H5P_DEFAULT, H5P_DEFAULT),
                      "create attribute " + name),
             H5Aclose};
  check(path_, H5Awrite(a, H5T_NATIVE_INT64, &value), "write attribute " + name);
}

bool H5File::has_attr(const std::string& object, const std::string& name) const {
  return H5Aexists_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

std::string H5File::attr_string(const std::string& object, const std::string& name) const {
  if (!has_attr(object, name)) throw UserError(path_ + ": " + object + " has no attribute " + name);
  H5Handle a{check_id(path_, H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), "open attr"),
             H5Aclose};
  H5Handle t = vlen_utf8_type();
  char* p = nullptr;
  check(path_, H5Aread(a, t, &p), "read attribute " + name);
  std::string out = p ? p : "";
  H5free_memory(p);
  return out;
}

int64_t H5File::attr_int(const std::string& object, const std::string& name) const {
  if (!has_attr(object, name)) throw UserError(path_ + ": " + object + " has no attribute " + name);
  H5Handle a{check_id(path_, H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), "open attr"),
             H5Aclose};
  int64_t v = 0;
  check(path_, H5Aread(a, H5T_NATIVE_INT64, &v), "read attribute " + name);
  return v;
}

}  // namespace parlance
