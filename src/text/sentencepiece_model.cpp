#include "text/sentencepiece_model.h"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>

#include "text/fastai_rules.h"
#include "util/error.h"

namespace parlance {
namespace {

struct Plugin {
  int (*train)(const char* const*, const size_t*, size_t, const char* const*, const char* const*, size_t, char**,
               size_t*, char**);
  void* (*load)(const char*, size_t, char**);
  int (*encode)(void*, const char*, size_t, void (*)(void*, const char*, size_t), void*, char**);
  void (*free_model)(void*);
  void (*free)(void*);
};

// PARLANCE_SPM_PLUGIN, else next to the executable, else where the build put it.
const Plugin& plugin() {
  static const Plugin p = [] {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("PARLANCE_SPM_PLUGIN")) candidates.push_back(env);
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back((exe.parent_path() / "libparlance_sentencepiece.so").string());
    candidates.push_back(PARLANCE_SPM_PLUGIN_PATH);
    std::string errors;
    for (const auto& path : candidates) {
      void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
      if (!h) {
        errors += std::string("; ") + dlerror();
        continue;
      }
      Plugin q;
      q.train = reinterpret_cast<decltype(q.train)>(dlsym(h, "parlance_spm_train"));
      q.load = reinterpret_cast<decltype(q.load)>(dlsym(h, "parlance_spm_load"));
      q.encode = reinterpret_cast<decltype(q.encode)>(dlsym(h, "parlance_spm_encode"));
      q.free_model = reinterpret_cast<decltype(q.free_model)>(dlsym(h, "parlance_spm_free_model"));
      q.free = reinterpret_cast<decltype(q.free)>(dlsym(h, "parlance_spm_free"));
      if (q.train && q.load && q.encode && q.free_model && q.free) return q;
      errors += "; " + path + ": missing symbols";
    }
    throw UserError("cannot load the SentencePiece plugin libparlance_sentencepiece.so" + errors);
  }();
  return p;
}

std::string take_error(char* err) {
  std::string s = err ? err : "unknown error";
  if (err) plugin().free(err);
  return s;
}

}  // namespace

std::string train_sentencepiece(const std::vector<std::string>& texts, const SentencePieceSpec& spec) {
  std::string specials;
  for (const auto& s : tok::kSpecials)
    if (s != tok::UNK && s != tok::PAD) specials += (specials.empty() ? "" : ",") + s;
  const std::vector<std::pair<std::string, std::string>> args = {
      {"vocab_size", std::to_string(spec.vocab_size)},
      {"model_type", spec.model_type},
      {"character_coverage", "0.99999"},
      {"user_defined_symbols", specials},
      {"unk_piece", tok::UNK},
      {"pad_piece", tok::PAD},
      {"pad_id", "1"},
      {"unk_id", "0"},
      {"bos_id", "-1"},
      {"eos_id", "-1"},
      {"num_threads", std::to_string(spec.threads)},
      {"hard_vocab_limit", "false"},
      {"max_sentence_length", "1000000"},
      {"minloglevel", "2"},
      {"shuffle_input_sentence", "false"},
  };
  std::vector<const char*> keys, values, ptrs;
  std::vector<size_t> lens;
  for (const auto& [k, v] : args) keys.push_back(k.c_str()), values.push_back(v.c_str());
  for (const auto& t : texts) ptrs.push_back(t.data()), lens.push_back(t.size());
  char *proto = nullptr, *err = nullptr;
  size_t proto_len = 0;
  if (plugin().train(ptrs.data(), lens.data(), ptrs.size(), keys.data(), values.data(), keys.size(), &proto, &proto_len,
                     &err) != 0)
    throw UserError("SentencePiece training failed: " + take_error(err));
  std::string out(proto, proto_len);
  plugin().free(proto);
  return out;
}

SentencePieceModel::SentencePieceModel(const std::string& model_proto) {
  char* err = nullptr;
  handle_ = plugin().load(model_proto.data(), model_proto.size(), &err);
  if (!handle_) throw UserError("cannot load SentencePiece model: " + take_error(err));
}

SentencePieceModel::~SentencePieceModel() {
  if (handle_) plugin().free_model(handle_);
}

void SentencePieceModel::encode(std::string_view text, const std::function<void(std::string_view)>& emit) const {
  char* err = nullptr;
  auto cb = [](void* ctx, const char* p, size_t n) {
    (*static_cast<const std::function<void(std::string_view)>*>(ctx))(std::string_view(p, n));
  };
  if (plugin().encode(handle_, text.data(), text.size(), cb, const_cast<std::function<void(std::string_view)>*>(&emit),
                      &err) != 0)
    throw UserError("SentencePiece encoding failed: " + take_error(err));
}

}  // namespace parlance
