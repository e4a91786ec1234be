#include "lm/fastai_weights.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <fstream>
#include <sstream>

#include "util/error.h"

namespace parlance {
namespace {

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A pickle of a flat list of str, the only shape an itos file has: enough of
// the pickle machine (protocols 2-5) for that, and a clear error for anything else.
class ItosUnpickler {
 public:
  ItosUnpickler(const std::string& bytes, const std::string& file) : b_(bytes), file_(file) {}
  std::vector<std::string> run() {
    std::vector<std::string> out;
    bool have_list = false;
    while (pos_ < b_.size()) {
      const auto op = static_cast<unsigned char>(b_[pos_++]);
      switch (op) {
        case 0x80: take(1); break;                      // PROTO
        case 0x95: take(8); break;                      // FRAME
        case ']': have_list = true; break;              // EMPTY_LIST
        case '(': break;                                // MARK
        case 0x94: break;                               // MEMOIZE
        case 'q': take(1); break;                       // BINPUT
        case 'r': take(4); break;                       // LONG_BINPUT
        case 0x8c: out.push_back(take(u(1))); break;    // SHORT_BINUNICODE
        case 'X': out.push_back(take(u(4))); break;     // BINUNICODE
        case 0x8d: out.push_back(take(u(8))); break;    // BINUNICODE8
        case 'e': case 'a': break;                      // APPENDS, APPEND
        case '.':                                       // STOP
          if (!have_list) fail("a pickled list");
          return out;
        default: fail("a pickled list of str (opcode 0x" + hex(op) + " is something else)");
      }
    }
    fail("a complete pickle (it ends early)");
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& expected) const {
    throw UserError(file_ + ": byte " + std::to_string(pos_) + ": expected " + expected +
                    " (or a text file with one token per line)");
  }
  static std::string hex(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02x", v);
    return buf;
  }
  std::string take(uint64_t n) {
    if (n > b_.size() - pos_) fail("a complete pickle (it ends early)");
    std::string s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint64_t u(int n) {  // little-endian unsigned of n bytes
    std::string s = take(static_cast<uint64_t>(n));
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[static_cast<size_t>(i)]);
    return v;
  }
  const std::string& b_;
  std::string file_;
  size_t pos_ = 0;
};

std::string layer_prefix(int64_t l) { return "encoder.rnn" + std::to_string(l) + "_"; }

// torch.save(model.state_dict()) pickles an OrderedDict (with a `_metadata`
// attribute set by BUILD). LibTorch 1.13's unpickler turns every OrderedDict
// into None, and knows neither SETITEM nor BUILD, so it cannot read the most
// common state-dict file. This rewrites the pickle inside the zip before
// handing it over: each `OrderedDict()` construction (GLOBAL+BINPUT or BINGET,
// EMPTY_TUPLE, REDUCE) becomes EMPTY_DICT, and a trailing `_metadata` BUILD of
// the top-level dict is dropped (it only records module versions).
std::vector<char> readable_state_dict(const std::string& bytes) {
  std::istringstream in(bytes);
  caffe2::serialize::PyTorchStreamReader reader(&in);
  std::string out;
  caffe2::serialize::PyTorchStreamWriter writer([&](const void* d, size_t n) {
    out.append(static_cast<const char*>(d), n);
    return n;
  });
  for (const auto& name : reader.getAllRecords()) {
    if (name == "version") continue;  // the writer adds its own
    auto [ptr, size] = reader.getRecord(name);
    std::string rec(static_cast<const char*>(ptr.get()), size);
    if (name == "data.pkl") {
      const std::string global = "ccollections\nOrderedDict\n";
      const size_t at = rec.find(global);
      if (at != std::string::npos && at + global.size() + 1 < rec.size() && rec[at + global.size()] == 'q') {
        const char memo = rec[at + global.size() + 1];
        const std::string first = global + 'q' + memo + ")R", again = std::string("h") + memo + ")R";
        if (rec.compare(at, first.size(), first) == 0) rec.replace(at, first.size(), "}");
        for (size_t p; (p = rec.find(again)) != std::string::npos;) rec.replace(p, again.size(), "}");
      }
      const std::string meta("X\x09\x00\x00\x00_metadata", 14);
      const size_t m = rec.rfind(meta);
      const bool ends_with_build = rec.size() >= 2 && rec.compare(rec.size() - 2, 2, "b.") == 0;
      if (m != std::string::npos && ends_with_build) {
        if (m >= 3 && rec[m - 3] == '}' && rec[m - 2] == 'q') rec = rec.substr(0, m - 3) + ".";
        else if (m >= 6 && rec[m - 6] == '}' && rec[m - 5] == 'r') rec = rec.substr(0, m - 6) + ".";
      }
    }
    writer.writeRecord(name, rec.data(), rec.size());
  }
  writer.writeEndOfFile();
  return std::vector<char>(out.begin(), out.end());
}

}  // namespace

std::vector<std::string> read_itos_file(const std::string& path) {
  const std::string bytes = read_bytes(path);
  if (!bytes.empty() && static_cast<unsigned char>(bytes[0]) == 0x80) return ItosUnpickler(bytes, path).run();
  std::vector<std::string> out;
  std::istringstream in(bytes);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  if (out.empty()) throw UserError(path + ": empty vocabulary (expected one token per line or a pickled list)");
  return out;
}

std::string pickle_itos(const std::vector<std::string>& itos) {
  // PROTO 2, EMPTY_LIST, MARK, BINUNICODE per token, APPENDS, STOP: a plain
  // pickle that pickle.load reads without torch.
  std::string out("\x80\x02](", 4);
  for (const auto& t : itos) {
    out.push_back('X');
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((t.size() >> (8 * i)) & 0xff));
    out += t;
  }
  return out + "e.";
}

std::map<std::string, std::string> fastai_names(const LmSpec& spec) {
  std::map<std::string, std::string> m{{"encoder.embedding", "0.encoder.weight"}, {"decoder.bias", "1.decoder.bias"}};
  if (!spec.tie_weights) m["decoder.weight"] = "1.decoder.weight";
  for (int64_t l = 0; l < spec.layers; ++l) {
    const std::string p = layer_prefix(l), f = "0.rnns." + std::to_string(l) + ".";
    m[p + "weight_ih_l0"] = f + "module.weight_ih_l0";
    m[p + "weight_hh_l0_raw"] = f + "weight_hh_l0_raw";
    m[p + "bias_ih_l0"] = f + "module.bias_ih_l0";
    m[p + "bias_hh_l0"] = f + "module.bias_hh_l0";
  }
  return m;
}

FastaiStateDict read_fastai_state_dict(const std::string& path) {
  const std::string bytes = read_bytes(path);
  c10::IValue v;
  try {
    v = torch::pickle_load(readable_state_dict(bytes));
  } catch (const c10::Error& e) {
    throw UserError(path + ": not a state dict written by torch.save (" +
                    std::string(e.what_without_backtrace()).substr(0, 160) + ")");
  }
  if (!v.isGenericDict()) throw UserError(path + ": expected a state dict (a dict of name → tensor)");
  FastaiStateDict sd;
  for (const auto& kv : v.toGenericDict()) {
    if (!kv.key().isString() || !kv.value().isTensor()) throw UserError(path + ": expected string keys and tensor values");
    sd.tensors[kv.key().toStringRef()] = kv.value().toTensor().to(torch::kFloat32).contiguous();
  }
  auto need = [&](const std::string& name) -> const torch::Tensor& {
    auto it = sd.tensors.find(name);
    if (it == sd.tensors.end()) throw UserError(path + ": no " + name + " (not a fastai v1 AWD-LSTM language model?)");
    return it->second;
  };
  LmSpec& s = sd.spec;
  s.arch = "awd_lstm";
  s.vocab = need("0.encoder.weight").size(0);
  s.emb = need("0.encoder.weight").size(1);
  s.layers = 0;
  while (sd.tensors.count("0.rnns." + std::to_string(s.layers) + ".weight_hh_l0_raw")) ++s.layers;
  if (s.layers == 0) need("0.rnns.0.weight_hh_l0_raw");
  s.hidden = s.layers > 1 ? need("0.rnns.0.weight_hh_l0_raw").size(1) : s.emb;
  const auto dec = sd.tensors.find("1.decoder.weight");
  s.tie_weights = dec == sd.tensors.end() || torch::equal(dec->second, need("0.encoder.weight"));
  return sd;
}

void load_fastai_state_dict(const FastaiStateDict& sd, AwdLstm& model) {
  torch::NoGradGuard no_grad;
  auto params = model.named_parameters();
  for (const auto& [ours, theirs] : fastai_names(sd.spec)) {
    auto it = sd.tensors.find(theirs);
    if (it == sd.tensors.end()) throw UserError("state dict has no " + theirs);
    torch::Tensor& p = params[ours];
    if (!p.sizes().equals(it->second.sizes()))
      throw UserError("state dict: " + theirs + " has shape " + c10::str(it->second.sizes()) + ", expected " +
                      c10::str(p.sizes()));
    p.copy_(it->second);
  }
}

std::string fastai_state_dict_bytes(AwdLstm& model) {
  const LmSpec& spec = model.spec();
  auto params = model.named_parameters();
  c10::impl::GenericDict dict(c10::StringType::get(), c10::TensorType::get());
  for (const auto& [ours, theirs] : fastai_names(spec)) dict.insert(theirs, params[ours].detach().contiguous());
  // The aliases fastai's modules hold: the embedding dropout's and the tied
  // decoder's view of the embedding, and each LSTM's eval-mode hidden weight.
  dict.insert("0.encoder_dp.emb.weight", params["encoder.embedding"].detach());
  if (spec.tie_weights) dict.insert("1.decoder.weight", params["encoder.embedding"].detach());
  for (int64_t l = 0; l < spec.layers; ++l)
    dict.insert("0.rnns." + std::to_string(l) + ".module.weight_hh_l0",
                params[layer_prefix(l) + "weight_hh_l0_raw"].detach());
  auto bytes = torch::pickle_save(dict);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace parlance
