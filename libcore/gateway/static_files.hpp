// Static files of the web client (index.html, *.js, ...) under a web root:
// request-target to file, refusing anything that could leave the root.
// Thread: any (reads the file system only, no shared state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace gw::gateway {

struct StaticTarget {
  enum class Kind : std::uint8_t { file, not_found, forbidden };
  Kind kind = Kind::not_found;
  std::filesystem::path path;  // canonical, inside the root (file)
  std::string content_type;    // file
  std::uintmax_t size = 0;     // file
};

// `target` is the HTTP request-target ("/app.js?v=2"); the query is ignored.
// "/" and paths ending in "/" (or naming a directory) mean its index.html.
// Refused (forbidden): bad percent-encoding, NUL, backslash, "." or ".."
// segments, hidden names (".git"), and anything resolving (symlinks
// included) outside `web_root`.
StaticTarget resolve_static(const std::filesystem::path& web_root, std::string_view target);

// "text/html; charset=utf-8" for ".html", ...; application/octet-stream for
// anything unknown. `extension` includes the dot, any case.
std::string_view content_type_for(std::string_view extension);

}  // namespace gw::gateway
