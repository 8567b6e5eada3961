// A GLib main context run by a thread of its own: the thread libnice's agent
// lives on (design brief §4). Other threads reach it only by posting.
//
// Thread: construct, start() and stop() on the owning thread; post() and
// post_and_wait() from any thread; native_context() is handed to code that
// attaches sources to this loop (libnice), which then run on the loop thread.
#pragma once

#include <functional>
#include <memory>

namespace gw::ice {

class GlibLoop {
 public:
  GlibLoop();
  ~GlibLoop();  // stops and joins
  GlibLoop(const GlibLoop&) = delete;
  GlibLoop& operator=(const GlibLoop&) = delete;

  // Starts the loop thread. Idempotent.
  void start();
  // Quits the loop and joins; work posted but not yet run is dropped.
  void stop();

  // Runs `fn` on the loop thread, always later (an idle source), in posting
  // order. Exceptions are
  // logged and swallowed. Returns false when the loop is not running.
  bool post(std::function<void()> fn);
  // Runs `fn` on the loop thread and waits for it (inline when already on
  // it, or when the loop is not running: then nothing else can race it).
  void post_and_wait(const std::function<void()>& fn);

  [[nodiscard]] bool on_loop_thread() const;
  [[nodiscard]] bool running() const;
  // The GMainContext*, as void* to keep GLib out of this header.
  [[nodiscard]] void* native_context() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::ice
