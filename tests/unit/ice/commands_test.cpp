#include "ice/commands.hpp"

#include <gtest/gtest.h>

namespace gw::ice {
namespace {

TEST(IceCommands, RemoteCredentials) {
  auto c = parse_command(R"({"cmd":"remote-credentials","ufrag":"vm/D","pwd":"NId3q1tTCyHk9nxZ24sAkndz"})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto& rc = std::get<RemoteCredentialsCmd>(*c);
  EXPECT_EQ(rc.credentials.ufrag, "vm/D");
  EXPECT_EQ(rc.credentials.pwd, "NId3q1tTCyHk9nxZ24sAkndz");
}

TEST(IceCommands, CredentialsAreCheckedPerRfc8839) {
  auto short_pwd = parse_command(R"({"cmd":"remote-credentials","ufrag":"abcd","pwd":"short"})");
  ASSERT_FALSE(short_pwd.ok());
  EXPECT_EQ(short_pwd.error().code, "ice.bad-pwd");
  auto bad_char = parse_command(R"({"cmd":"remote-credentials","ufrag":"ab d","pwd":"0123456789012345678901"})");
  ASSERT_FALSE(bad_char.ok());
  EXPECT_EQ(bad_char.error().code, "ice.bad-ufrag");
}

TEST(IceCommands, RemoteCandidateForms) {
  for (const char* text : {R"({"cmd":"remote-candidate","candidate":"candidate:1 1 udp 2122260223 198.51.100.7 5000 typ host"})",
                           R"({"cmd":"remote-candidate","candidate":"a=candidate:1 1 udp 2122260223 198.51.100.7 5000 typ host"})"}) {
    auto c = parse_command(text);
    ASSERT_TRUE(c.ok()) << c.error().message;
    const auto& cand = std::get<RemoteCandidateCmd>(*c).candidate;
    EXPECT_EQ(cand.address, "198.51.100.7");
    EXPECT_EQ(cand.port, 5000);
  }
  // Browsers signal end-of-candidates as an empty candidate.
  auto eoc = parse_command(R"({"cmd":"remote-candidate","candidate":""})");
  ASSERT_TRUE(eoc.ok());
  EXPECT_TRUE(std::holds_alternative<EndOfCandidatesCmd>(*eoc));
}

TEST(IceCommands, SimpleCommands) {
  EXPECT_TRUE(std::holds_alternative<EndOfCandidatesCmd>(*parse_command(R"({"cmd":"end-of-candidates"})")));
  EXPECT_TRUE(std::holds_alternative<RestartCmd>(*parse_command(R"({"cmd":"restart"})")));
  EXPECT_TRUE(std::holds_alternative<StatsCmd>(*parse_command(R"({"cmd":"stats"})")));
  EXPECT_TRUE(std::holds_alternative<CloseCmd>(*parse_command(R"({"cmd":"close"})")));
  auto sdp = parse_command(R"({"cmd":"remote-sdp","sdp":"v=0\r\n"})");
  ASSERT_TRUE(sdp.ok());
  EXPECT_EQ(std::get<RemoteSdpCmd>(*sdp).sdp, "v=0\r\n");
}

TEST(IceCommands, BadInputGivesClearErrors) {
  struct Case {
    const char* line;
    const char* code;
  } cases[] = {
      {"", "cmd.bad-json"},
      {"not json", "cmd.bad-json"},
      {"[1,2]", "cmd.bad-json"},
      {R"({"ufrag":"abcd"})", "cmd.missing-field"},
      {R"({"cmd":42})", "cmd.bad-field"},
      {R"({"cmd":"dance"})", "cmd.unknown"},
      {R"({"cmd":"remote-candidate"})", "cmd.missing-field"},
      {R"({"cmd":"remote-candidate","candidate":7})", "cmd.bad-field"},
      {R"({"cmd":"remote-candidate","candidate":"candidate:garbage"})", ""},
      {R"({"cmd":"remote-credentials","ufrag":"abcd"})", "cmd.missing-field"},
      {R"({"cmd":"remote-sdp"})", "cmd.missing-field"},
      {"{\"cmd\":\"restart\"", "cmd.bad-json"},
  };
  for (const auto& c : cases) {
    auto r = parse_command(c.line);
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_FALSE(r.error().message.empty()) << c.line;
    if (*c.code != '\0') {
      EXPECT_EQ(r.error().code, c.code) << c.line;
    }
  }
}

}  // namespace
}  // namespace gw::ice
