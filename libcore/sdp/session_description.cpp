// SessionDescription -> text (RFC 8866 §5 line order, CRLF) and helpers.
#include "sdp/session_description.hpp"

#include <algorithm>

namespace gw::sdp {
namespace {

void put(std::string& out, char type, std::string_view value) {
  out += type;
  out += '=';
  out += value;
  out += "\r\n";
}

std::string connection_text(const Connection& c) {
  return c.net_type + " " + c.addr_type + " " + c.address;
}

std::string bandwidth_text(const Bandwidth& b) {
  return b.type + ":" + std::to_string(b.value);
}

void put_attributes(std::string& out, const Attributes& list) {
  for (const auto& a : list) {
    if (a.value)
      put(out, 'a', a.name + ":" + *a.value);
    else
      put(out, 'a', a.name);
  }
}

void put_media(std::string& out, const MediaDescription& m) {
  std::string line = m.media + " " + std::to_string(m.port);
  if (m.port_count) line += "/" + std::to_string(*m.port_count);
  line += " " + m.proto;
  for (const auto& f : m.formats) line += " " + f;
  put(out, 'm', line);
  if (m.info) put(out, 'i', *m.info);
  for (const auto& c : m.connections) put(out, 'c', connection_text(c));
  for (const auto& b : m.bandwidths) put(out, 'b', bandwidth_text(b));
  if (m.key) put(out, 'k', *m.key);
  put_attributes(out, m.attributes);
}

}  // namespace

std::string serialize(const SessionDescription& sd) {
  std::string out;
  out.reserve(1024);
  put(out, 'v', std::to_string(sd.version));
  const Origin& o = sd.origin;
  put(out, 'o', o.username + " " + o.session_id + " " + std::to_string(o.session_version) +
                    " " + o.net_type + " " + o.addr_type + " " + o.address);
  put(out, 's', sd.session_name);
  if (sd.info) put(out, 'i', *sd.info);
  if (sd.uri) put(out, 'u', *sd.uri);
  for (const auto& e : sd.emails) put(out, 'e', e);
  for (const auto& p : sd.phones) put(out, 'p', p);
  if (sd.connection) put(out, 'c', connection_text(*sd.connection));
  for (const auto& b : sd.bandwidths) put(out, 'b', bandwidth_text(b));
  for (const auto& t : sd.timings) {
    put(out, 't', std::to_string(t.start) + " " + std::to_string(t.stop));
    for (const auto& r : t.repeats) put(out, 'r', r);
  }
  if (sd.zone) put(out, 'z', *sd.zone);
  if (sd.key) put(out, 'k', *sd.key);
  put_attributes(out, sd.attributes);
  for (const auto& m : sd.media) put_media(out, m);
  return out;
}

const Attribute* find_attribute(const Attributes& list, std::string_view name) {
  for (const auto& a : list)
    if (a.name == name) return &a;
  return nullptr;
}

bool has_attribute(const Attributes& list, std::string_view name) {
  return find_attribute(list, name) != nullptr;
}

std::vector<const Attribute*> find_attributes(const Attributes& list, std::string_view name) {
  std::vector<const Attribute*> out;
  for (const auto& a : list)
    if (a.name == name) out.push_back(&a);
  return out;
}

void remove_attributes(Attributes& list, std::string_view name) {
  std::erase_if(list, [&](const Attribute& a) { return a.name == name; });
}

const Connection* effective_connection(const SessionDescription& sd,
                                       const MediaDescription& m) {
  if (!m.connections.empty()) return &m.connections.front();
  if (sd.connection) return &*sd.connection;
  return nullptr;
}

Error line_error(std::string_view code, int line, std::string_view what) {
  std::string msg;
  if (line > 0) msg = "line " + std::to_string(line) + ": ";
  msg += what;
  return make_error("sdp." + std::string(code), std::move(msg));
}

}  // namespace gw::sdp
