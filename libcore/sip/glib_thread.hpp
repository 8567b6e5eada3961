// A GLib main context running on its own thread: the signaling thread of the
// design brief §4 (sofia-sip joins it with su_glib_root_create; libnice can
// share it). Other threads reach it only by posting.
//
// Thread: start()/stop() from the owning thread; post() from any thread;
// native_context() is read by code that runs on the GLib thread.
#pragma once

#include <functional>
#include <memory>
#include <thread>

namespace gw::sip {

class GlibThread {
 public:
  GlibThread();
  ~GlibThread();  // stops and joins
  GlibThread(const GlibThread&) = delete;
  GlibThread& operator=(const GlibThread&) = delete;

  // Starts the thread running the loop. Idempotent.
  void start();
  // Quits the loop and joins. Work posted but not yet run is dropped.
  void stop();

  // Runs `fn` on the GLib thread (g_main_context_invoke_full). Exceptions
  // from `fn` are logged and swallowed. Returns false after stop().
  bool post(std::function<void()> fn);
  // Runs `fn` once on the GLib thread after `ms` milliseconds.
  bool post_after(unsigned ms, std::function<void()> fn);
  // Runs `fn` on the GLib thread and waits for it to finish (or runs it inline
  // when called on the GLib thread). Returns false if the loop is not running.
  bool run_sync(const std::function<void()>& fn);

  [[nodiscard]] bool on_thread() const;
  // The GMainContext*, as void* so that GLib stays out of this header.
  [[nodiscard]] void* native_context() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::sip
