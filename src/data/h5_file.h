#pragma once
// The prepared-dataset file (docs/FORMAT.md). Token arrays are written by all
// ranks at once with parallel HDF5: each rank's part lands at the offset given
// by an exclusive scan of the part sizes, in collective rounds of bounded size.
// Strings (vocabulary, metadata) are written afterwards by rank 0 alone through
// the serial driver, since parallel HDF5 cannot write variable-length data.
#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace parlance {

template <class T>
hid_t h5_type();
template <>
inline hid_t h5_type<int32_t>() { return H5T_NATIVE_INT32; }
template <>
inline hid_t h5_type<uint16_t>() { return H5T_NATIVE_UINT16; }
template <>
inline hid_t h5_type<int64_t>() { return H5T_NATIVE_INT64; }
template <>
inline hid_t h5_type<uint64_t>() { return H5T_NATIVE_UINT64; }
template <>
inline hid_t h5_type<uint8_t>() { return H5T_NATIVE_UINT8; }

// Collective writer over MPI_COMM_WORLD.
class ParallelH5Writer {
 public:
  explicit ParallelH5Writer(const std::string& path);  // creates/truncates
  ~ParallelH5Writer();
  void create_group(const std::string& name);
  // Writes a 1-D dataset that is the concatenation of every rank's `local_n`
  // elements in rank order. fill(dst, first, n) produces local elements
  // [first, first + n); it is called with n <= slice, in order.
  template <class T>
  void write_concat(const std::string& name, uint64_t local_n, const std::function<void(T*, uint64_t, uint64_t)>& fill);
  void close();

 private:
  void write_concat_raw(const std::string& name, hid_t type, size_t elem, uint64_t local_n,
                        const std::function<void(void*, uint64_t, uint64_t)>& fill);
  std::string path_;
  hid_t file_ = -1;
  std::unique_ptr<char[]> buf_;  // one staging buffer for every dataset
  size_t buf_bytes_ = 0;
};

template <class T>
void ParallelH5Writer::write_concat(const std::string& name, uint64_t local_n,
                                    const std::function<void(T*, uint64_t, uint64_t)>& fill) {
  write_concat_raw(name, h5_type<T>(), sizeof(T), local_n,
                   [&](void* dst, uint64_t first, uint64_t n) { fill(static_cast<T*>(dst), first, n); });
}

// Serial access (rank 0 after the parallel phase; `parlance inspect`; tests).
class H5File {
 public:
  enum class Mode { Read, ReadWrite };
  H5File(const std::string& path, Mode mode);
  ~H5File();
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;

  bool exists(const std::string& name) const;
  std::vector<std::string> children(const std::string& group) const;
  uint64_t length(const std::string& dataset) const;
  template <class T>
  std::vector<T> read(const std::string& dataset, uint64_t first = 0, uint64_t n = UINT64_MAX) const;
  std::vector<std::string> read_strings(const std::string& dataset) const;
  void create_group(const std::string& name);
  void write_strings(const std::string& dataset, const std::vector<std::string>& values);
  void write_u64(const std::string& dataset, const std::vector<uint64_t>& values);
  void write_bytes(const std::string& dataset, const std::string& bytes);  // uint8[n]
  std::string read_bytes(const std::string& dataset) const;
  void set_attr(const std::string& object, const std::string& name, const std::string& value);
  void set_attr(const std::string& object, const std::string& name, int64_t value);
  std::string attr_string(const std::string& object, const std::string& name) const;
  int64_t attr_int(const std::string& object, const std::string& name) const;
  bool has_attr(const std::string& object, const std::string& name) const;

 private:
  void read_raw(const std::string& dataset, hid_t type, void* dst, uint64_t first, uint64_t n) const;
  void write_raw(const std::string& dataset, hid_t type, hsize_t n, const void* data);
  std::string path_;
  hid_t file_ = -1;
};

template <class T>
std::vector<T> H5File::read(const std::string& dataset, uint64_t first, uint64_t n) const {
  uint64_t len = length(dataset);
  if (first > len) first = len;
  n = std::min(n, len - first);
  std::vector<T> out(n);
  if (n) read_raw(dataset, h5_type<T>(), out.data(), first, n);
  return out;
}

}  // namespace parlance
