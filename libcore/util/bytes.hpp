// Byte buffers and big-endian (network order) readers/writers.
// Thread: any (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gw {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};  // NOLINT
}
inline std::string_view as_string(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};  // NOLINT
}

inline std::uint16_t load_be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
         (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}
inline void store_be16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void store_be32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

// Appends network-order fields to a growing buffer.
class ByteWriter {
 public:
  explicit ByteWriter(Bytes& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(v); }
  // resize + store: cheaper than insert, and no GCC 12 -Warray-bounds false positive.
  void u16(std::uint16_t v) { store_be16(grow(2), v); }
  void u32(std::uint32_t v) { store_be32(grow(4), v); }
  void raw(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }
  [[nodiscard]] std::size_t size() const { return out_.size(); }
  Bytes& buffer() { return out_; }

 private:
  std::uint8_t* grow(std::size_t n) {
    auto at = out_.size();
    out_.resize(at + n);
    return out_.data() + at;
  }

  Bytes& out_;
};

std::string to_hex(ByteView b);
// Parses hex; accepts optional ':' or ' ' separators (as in SDP fingerprints).
bool from_hex(std::string_view text, Bytes& out);

}  // namespace gw
