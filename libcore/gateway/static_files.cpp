#include "gateway/static_files.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

namespace gw::gateway {
namespace {

namespace fs = std::filesystem;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex_value(s[i + 1]);
    int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// Every segment must be a plain, visible name: decoding happens before this
// check, so "%2e%2e" is caught as "..".
bool safe_segments(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) return false;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(pos, end - pos);
    if (!seg.empty() && seg.front() == '.') return false;  // ".", "..", ".git", ".env"
    if (seg.empty() && end != path.size()) return false;   // "//"
    pos = end + 1;
  }
  return true;
}

bool inside(const fs::path& root, const fs::path& p) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

}  // namespace

std::string_view content_type_for(std::string_view extension) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".wav", "audio/wav"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".map", "application/json"},
  }};
  std::string lower(extension);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  for (const auto& [ext, type] : kTypes) {
    if (ext == lower) return type;
  }
  return "application/octet-stream";
}

StaticTarget resolve_static(const fs::path& web_root, std::string_view target) {
  StaticTarget out;
  target = target.substr(0, target.find_first_of("?#"));
  auto decoded = percent_decode(target);
  if (!decoded || !safe_segments(*decoded)) {
    out.kind = StaticTarget::Kind::forbidden;
    return out;
  }
  std::error_code ec;
  const fs::path root = fs::canonical(web_root, ec);
  if (ec) return out;  // no web root: nothing to serve
  fs::path p = root / fs::path(decoded->substr(1));
  if (decoded->back() == '/' || fs::is_directory(p, ec)) p /= "index.html";
  fs::path real = fs::canonical(p, ec);
  if (ec) return out;  // missing
  if (!inside(root, real)) {
    out.kind = StaticTarget::Kind::forbidden;
    return out;
  }
  if (!fs::is_regular_file(real, ec)) return out;
  out.size = fs::file_size(real, ec);
  if (ec) return out;
  out.kind = StaticTarget::Kind::file;
  out.content_type = std::string(content_type_for(real.extension().string()));
  out.path = std::move(real);
  return out;
}

}  // namespace gw::gateway
