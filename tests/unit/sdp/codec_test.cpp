#include "sdp/codec.hpp"

#include <gtest/gtest.h>

#include "sdp/codec_selection.hpp"

namespace gw::sdp {
namespace {

TEST(SdpCodecList, AssignsStaticAndUsualDynamicTypes) {
  auto list = parse_codec_list("PCMU,PCMA,opus/48000/2,telephone-event/8000");
  ASSERT_TRUE(list.ok()) << list.error().message;
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ((*list)[0].pt, 0);
  EXPECT_EQ((*list)[0].encoding(), "PCMU/8000");
  EXPECT_EQ((*list)[1].pt, 8);
  EXPECT_EQ((*list)[2].pt, 111);
  EXPECT_EQ((*list)[2].encoding(), "opus/48000/2");
  EXPECT_EQ((*list)[3].pt, 101);
  EXPECT_EQ((*list)[3].fmtp, "0-16");
  EXPECT_EQ(format_codec_list(*list), "PCMU/8000:0,PCMA/8000:8,opus/48000/2:111,telephone-event/8000:101");
  auto back = parse_codec_list(format_codec_list(*list));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *list);
}

TEST(SdpCodecList, DefaultsExplicitTypesAndSpacing) {
  auto list = parse_codec_list(" opus , g722, L16/16000, speex/16000:100, telephone-event/48000, pcmu:96 ");
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ((*list)[0].encoding(), "opus/48000/2");
  EXPECT_EQ((*list)[1].name, "G722");
  EXPECT_EQ((*list)[1].pt, 9);
  EXPECT_EQ((*list)[2].encoding(), "L16/16000");
  EXPECT_EQ((*list)[2].pt, 97);  // 96 taken by the explicit pcmu:96
  EXPECT_EQ((*list)[3].pt, 100);
  EXPECT_EQ((*list)[4].pt, 110);
  EXPECT_EQ((*list)[5].name, "PCMU");
  EXPECT_EQ((*list)[5].pt, 96);
}

TEST(SdpCodecList, ClearErrors) {
  struct Case {
    const char* list;
    const char* part;
  } cases[] = {
      {"", "empty"},
      {"PCMU,,PCMA", "empty item"},
      {"foo", "unknown codec needs a clock rate"},
      {"opus/x", "clock rate"},
      {"opus/48000/9", "channel count"},
      {"PCMU:128", "payload type"},
      {"PCMU:0,PCMA:0", "payload type 0 is already used"},
      {"PCMU,PCMU", "listed twice"},
      {"a b/8000", "name has a character"},
      {"x/1/1/1", "expected NAME"},
  };
  for (const auto& c : cases) {
    auto r = parse_codec_list(c.list);
    ASSERT_FALSE(r.ok()) << c.list;
    EXPECT_EQ(r.error().code, "sdp.bad-codec-list");
    EXPECT_NE(r.error().message.find(c.part), std::string::npos) << c.list << ": " << r.error().message;
  }
}

TEST(SdpCodecList, RunsOutOfDynamicTypes) {
  std::string list;
  for (int i = 0; i < 33; ++i) list += (i ? "," : "") + std::string("x") + std::to_string(i) + "/8000";
  EXPECT_FALSE(parse_codec_list(list).ok());
}

TEST(SdpCodec, StaticTable) {
  EXPECT_EQ(static_codec(0)->name, "PCMU");
  EXPECT_EQ(static_codec(9)->name, "G722");
  EXPECT_EQ(static_codec(18)->name, "G729");
  EXPECT_FALSE(static_codec(96).has_value());
  Codec pcma;
  pcma.name = "pcma";
  EXPECT_EQ(static_payload_type(pcma), 8);
}

std::vector<Codec> chromium_audio() {
  auto l = parse_codec_list("opus:111,red/48000/2:63,G722,PCMU,PCMA,CN,telephone-event/48000:110,telephone-event/8000:126");
  return *l;
}

TEST(SdpCodecSelection, PreferenceOrderWithOfferTypes) {
  auto prefs = *parse_codec_list("PCMA,PCMU,telephone-event");
  auto chosen = select_codecs(chromium_audio(), prefs, false);
  ASSERT_TRUE(chosen.ok());
  ASSERT_EQ(chosen->size(), 3u);
  EXPECT_EQ((*chosen)[0].pt, 8);
  EXPECT_EQ((*chosen)[1].pt, 0);
  EXPECT_EQ((*chosen)[2].pt, 126);  // telephone-event at 8000 as offered
}

TEST(SdpCodecSelection, TelephoneEventFollowsClock) {
  auto prefs = *parse_codec_list("opus,telephone-event/8000,CN");
  auto chosen = select_codecs(chromium_audio(), prefs, true);
  ASSERT_TRUE(chosen.ok());
  ASSERT_EQ(chosen->size(), 2u);  // no CN at 48000 in the offer
  EXPECT_EQ((*chosen)[0].pt, 111);
  EXPECT_EQ((*chosen)[1].pt, 110);
  EXPECT_EQ((*chosen)[1].clock, 48000u);
}

TEST(SdpCodecSelection, NoCommonCodec) {
  auto prefs = *parse_codec_list("G729,telephone-event");
  auto chosen = select_codecs(chromium_audio(), prefs, false);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(chosen.error().code, "sdp.no-common-codec");
  EXPECT_NE(chosen.error().message.find("we accept G729/8000"), std::string::npos) << chosen.error().message;
  EXPECT_NE(chosen.error().message.find("opus/48000/2"), std::string::npos);
}

}  // namespace
}  // namespace gw::sdp
