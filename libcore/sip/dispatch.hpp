// A table of small handlers, one per SIP event kind, instead of one giant
// switch (design brief §3). The adapter's static C trampoline turns a nua
// event into a SipEvent and calls dispatch(); a handler that throws is
// counted and logged, and never crosses back into C.
// Thread: the thread that owns the dispatcher (the GLib thread for sip/).
#pragma once

#include <array>
#include <cstdint>
#include <exception>

#include "sip/sip_event.hpp"
#include "util/log.hpp"

namespace gw::sip {

struct DispatchCounters {
  std::uint64_t handled = 0;
  std::uint64_t unhandled = 0;  // no handler for the kind
  std::uint64_t failed = 0;     // the handler threw
};

template <class Context>
class Dispatcher {
 public:
  using Handler = void (*)(Context&, const SipEvent&);

  Dispatcher& on(SipEventKind kind, Handler h) {
    table_[static_cast<std::size_t>(kind)] = h;
    return *this;
  }
  [[nodiscard]] bool handles(SipEventKind kind) const {
    return table_[static_cast<std::size_t>(kind)] != nullptr;
  }

  // Runs the handler for ev.kind. Returns false when none ran to completion.
  bool dispatch(Context& ctx, const SipEvent& ev) noexcept {
    Handler h = table_[static_cast<std::size_t>(ev.kind)];
    if (!h) {
      ++counters_.unhandled;
      return false;
    }
    try {
      h(ctx, ev);
      ++counters_.handled;
      return true;
    } catch (const std::exception& e) {
      ++counters_.failed;
      GW_LOG(error) << "sip: handler for " << to_string(ev.kind) << " threw: " << e.what();
    } catch (...) {
      ++counters_.failed;
      GW_LOG(error) << "sip: handler for " << to_string(ev.kind) << " threw";
    }
    return false;
  }

  [[nodiscard]] const DispatchCounters& counters() const { return counters_; }

 private:
  std::array<Handler, kSipEventKinds> table_{};
  DispatchCounters counters_;
};

}  // namespace gw::sip
