#include "lm/fastai_weights.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace parlance {
namespace {

std::string write(const std::string& name, const std::string& bytes) {
  auto path = (std::filesystem::temp_directory_path() / ("parlance_itos_" + name)).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i < h.size(); i += 2) out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

const std::vector<std::string> kItos = {"xxunk", "\xc3\xa9", "a b"};

TEST(ItosFile, ReadsPicklesOfEveryProtocolPythonWrites) {
  // pickle.dumps(['xxunk', 'é', 'a b'], protocol=p) in Python 3.11.
  EXPECT_EQ(read_itos_file(write("p3", unhex("80035d71002858050000007878756e6b71015802000000c3a97102580300000061206271"
                                             "03652e"))),
            kItos);
  EXPECT_EQ(read_itos_file(write("p4", unhex("80049518000000000000005d94288c057878756e6b948c02c3a9948c0361206294652e"))),
            kItos);
  EXPECT_EQ(read_itos_file(write("p5", unhex("80059518000000000000005d94288c057878756e6b948c02c3a9948c0361206294652e"))),
            kItos);
  EXPECT_EQ(read_itos_file(write("ours", pickle_itos(kItos))), kItos);  // protocol 2, for pickle.load
}

TEST(ItosFile, ReadsOneTokenPerLineAndRejectsOtherPickles) {
  EXPECT_EQ(read_itos_file(write("txt", "xxunk\r\n\xc3\xa9\na b\n")), kItos);
  // pickle.dumps({'a': 1}, protocol=4): a dict, not a list of str.
  try {
    read_itos_file(write("dict", unhex("8004950a000000000000007d948c0161944b01732e")));
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("expected a pickled list of str"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_itos_file(write("cut", unhex("80049518000000000000005d94288c05787875"))), UserError);
  EXPECT_THROW(read_itos_file(write("empty", "")), UserError);
}

TEST(FastaiNames, CoverEveryParameterOfTheModel) {
  LmSpec s;
  s.vocab = 20, s.emb = 4, s.hidden = 6, s.layers = 3;
  for (bool tied : {true, false}) {
    s.tie_weights = tied;
    AwdLstm m(s);
    auto names = fastai_names(s);
    EXPECT_EQ(names.size(), m.named_parameters().size());
    for (const auto& p : m.named_parameters()) EXPECT_TRUE(names.count(p.key())) << p.key();
    EXPECT_EQ(names["encoder.rnn2_weight_hh_l0_raw"], "0.rnns.2.weight_hh_l0_raw");
    EXPECT_EQ(names["encoder.rnn0_weight_ih_l0"], "0.rnns.0.module.weight_ih_l0");
  }
}

}  // namespace
}  // namespace parlance
