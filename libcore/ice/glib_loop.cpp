#include "ice/glib_loop.hpp"

#include <glib.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "util/log.hpp"

namespace gw::ice {

struct GlibLoop::Impl {
  GMainContext* context = nullptr;
  GMainLoop* loop = nullptr;
  std::thread thread;
  std::atomic<std::thread::id> thread_id{};
  std::atomic<bool> running{false};
};

namespace {

struct Task {
  std::function<void()> fn;
};

// GSourceFunc trampoline: never lets an exception cross into GLib.
gboolean run_task(gpointer data) {
  try {
    static_cast<Task*>(data)->fn();
  } catch (const std::exception& e) {
    GW_LOG(error) << "ice loop: task threw: " << e.what();
  } catch (...) {
    GW_LOG(error) << "ice loop: task threw";
  }
  return G_SOURCE_REMOVE;
}

void free_task(gpointer data) { delete static_cast<Task*>(data); }

gboolean quit_loop(gpointer data) {
  g_main_loop_quit(static_cast<GMainLoop*>(data));
  return G_SOURCE_REMOVE;
}

}  // namespace

GlibLoop::GlibLoop() : impl_(std::make_unique<Impl>()) {
  impl_->context = g_main_context_new();
  impl_->loop = g_main_loop_new(impl_->context, FALSE);
}

GlibLoop::~GlibLoop() {
  stop();
  g_main_loop_unref(impl_->loop);
  g_main_context_unref(impl_->context);
}

void GlibLoop::start() {
  if (impl_->running.exchange(true)) return;
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  impl_->thread = std::thread([this, &m, &cv, &ready] {
    g_main_context_push_thread_default(impl_->context);
    impl_->thread_id = std::this_thread::get_id();
    {
      std::lock_guard lock(m);
      ready = true;
    }
    cv.notify_one();
    g_main_loop_run(impl_->loop);
    while (g_main_context_iteration(impl_->context, FALSE)) {
    }
    g_main_context_pop_thread_default(impl_->context);
  });
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return ready; });
}

void GlibLoop::stop() {
  if (!impl_->running.exchange(false)) return;
  GSource* src = g_idle_source_new();
  g_source_set_callback(src, quit_loop, impl_->loop, nullptr);
  g_source_attach(src, impl_->context);
  g_source_unref(src);
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->thread_id = std::thread::id{};
}

bool GlibLoop::post(std::function<void()> fn) {
  if (!impl_->running.load()) return false;
  // An idle source rather than g_main_context_invoke_full: that one runs the
  // task inline when called on the loop thread, re-entering libnice.
  GSource* src = g_idle_source_new();
  g_source_set_priority(src, G_PRIORITY_DEFAULT);
  g_source_set_callback(src, run_task, new Task{std::move(fn)}, free_task);
  g_source_attach(src, impl_->context);
  g_source_unref(src);
  return true;
}

void GlibLoop::post_and_wait(const std::function<void()>& fn) {
  if (on_loop_thread() || !impl_->running.load()) {
    fn();
    return;
  }
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  auto task = [&] {
    try {
      fn();
    } catch (...) {
      GW_LOG(error) << "ice loop: synchronous task threw";
    }
    std::lock_guard lock(m);
    done = true;
    cv.notify_one();
  };
  if (!post(task)) {
    fn();
    return;
  }
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return done; });
}

bool GlibLoop::on_loop_thread() const { return std::this_thread::get_id() == impl_->thread_id.load(); }
bool GlibLoop::running() const { return impl_->running.load(); }
void* GlibLoop::native_context() const { return impl_->context; }

}  // namespace gw::ice
