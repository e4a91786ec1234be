// The SentencePiece plugin: a small shared module with a C interface that
// parlance loads with dlopen(RTLD_LOCAL | RTLD_DEEPBIND). Debian's
// libsentencepiece carries its own copy of protobuf (3.14) and exports it;
// LibTorch loads the system protobuf (3.21). In one symbol scope the two
// collide at start-up, so SentencePiece lives in its own scope.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

char* dup(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

class Texts : public sentencepiece::SentenceIterator {
 public:
  Texts(const char* const* texts, const size_t* lens, size_t n) : texts_(texts), lens_(lens), n_(n) { load(); }
  bool done() const override { return i_ >= n_; }
  void Next() override {
    ++i_;
    load();
  }
  const std::string& value() const override { return current_; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void load() {
    if (i_ < n_) current_.assign(texts_[i_], lens_[i_]);
  }
  const char* const* texts_;
  const size_t* lens_;
  size_t n_, i_ = 0;
  std::string current_;
};

}  // namespace

extern "C" {

int parlance_spm_train(const char* const* texts, const size_t* lens, size_t n, const char* const* keys,
                       const char* const* values, size_t nargs, char** proto, size_t* proto_len, char** err) {
  std::unordered_map<std::string, std::string> args;
  for (size_t i = 0; i < nargs; ++i) args[keys[i]] = values[i];
  Texts it(texts, lens, n);
  std::string out;
  auto status = sentencepiece::SentencePieceTrainer::Train(args, &it, &out);
  if (!status.ok()) {
    *err = dup(status.ToString());
    return 1;
  }
  *proto = static_cast<char*>(std::malloc(out.size()));
  std::memcpy(*proto, out.data(), out.size());
  *proto_len = out.size();
  return 0;
}

void* parlance_spm_load(const char* proto, size_t len, char** err) {
  auto* sp = new sentencepiece::SentencePieceProcessor();
  auto status = sp->LoadFromSerializedProto(std::string(proto, len));
  if (!status.ok()) {
    *err = dup(status.ToString());
    delete sp;
    return nullptr;
  }
  return sp;
}

int parlance_spm_encode(void* model, const char* text, size_t len, void (*emit)(void*, const char*, size_t), void* ctx,
                        char** err) {
  std::vector<std::string> pieces;
  auto status = static_cast<sentencepiece::SentencePieceProcessor*>(model)->Encode(std::string(text, len), &pieces);
  if (!status.ok()) {
    *err = dup(status.ToString());
    return 1;
  }
  for (const auto& p : pieces) emit(ctx, p.data(), p.size());
  return 0;
}

void parlance_spm_free_model(void* model) { delete static_cast<sentencepiece::SentencePieceProcessor*>(model); }

void parlance_spm_free(void* p) { std::free(p); }
}
