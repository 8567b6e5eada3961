#include "sip/glib_thread.hpp"

#include <glib.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>

#include "util/log.hpp"

namespace gw::sip {

struct GlibThread::Impl {
  GMainContext* context = nullptr;
  GMainLoop* loop = nullptr;
  std::thread thread;
  std::thread::id thread_id;
  std::atomic<bool> running{false};
};

namespace {

// One posted closure; owned by GLib until the destroy notifier runs.
struct Posted {
  std::function<void()> fn;
};

gboolean run_posted(gpointer data) {
  auto* p = static_cast<Posted*>(data);
  try {
    p->fn();
  } catch (const std::exception& e) {
    GW_LOG(error) << "glib thread: posted task threw: " << e.what();
  } catch (...) {
    GW_LOG(error) << "glib thread: posted task threw";
  }
  return G_SOURCE_REMOVE;
}

void free_posted(gpointer data) { delete static_cast<Posted*>(data); }

gboolean quit_loop(gpointer data) {
  g_main_loop_quit(static_cast<GMainLoop*>(data));
  return G_SOURCE_REMOVE;
}

}  // namespace

GlibThread::GlibThread() : impl_(std::make_unique<Impl>()) {
  impl_->context = g_main_context_new();
  impl_->loop = g_main_loop_new(impl_->context, FALSE);
}

GlibThread::~GlibThread() {
  stop();
  g_main_loop_unref(impl_->loop);
  g_main_context_unref(impl_->context);
}

void GlibThread::start() {
  if (impl_->running.exchange(true)) return;
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  impl_->thread = std::thread([this, &m, &cv, &ready] {
    g_main_context_push_thread_default(impl_->context);
    {
      std::lock_guard lock(m);
      impl_->thread_id = std::this_thread::get_id();
      ready = true;
    }
    cv.notify_one();
    g_main_loop_run(impl_->loop);
    // Let sources posted before the quit finish their destroy notifiers.
    while (g_main_context_iteration(impl_->context, FALSE)) {
    }
    g_main_context_pop_thread_default(impl_->context);
  });
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return ready; });
}

void GlibThread::stop() {
  if (!impl_->running.exchange(false)) return;
  GSource* src = g_idle_source_new();
  g_source_set_callback(src, quit_loop, impl_->loop, nullptr);
  g_source_attach(src, impl_->context);
  g_source_unref(src);
  if (impl_->thread.joinable()) impl_->thread.join();
}

bool GlibThread::post(std::function<void()> fn) {
  if (!impl_->running.load()) return false;
  auto* p = new Posted{std::move(fn)};
  GSource* src = g_idle_source_new();
  g_source_set_priority(src, G_PRIORITY_DEFAULT);
  g_source_set_callback(src, run_posted, p, free_posted);
  g_source_attach(src, impl_->context);
  g_source_unref(src);
  return true;
}

bool GlibThread::post_after(unsigned ms, std::function<void()> fn) {
  if (!impl_->running.load()) return false;
  auto* p = new Posted{std::move(fn)};
  GSource* src = g_timeout_source_new(ms);
  g_source_set_callback(src, run_posted, p, free_posted);
  g_source_attach(src, impl_->context);
  g_source_unref(src);
  return true;
}

bool GlibThread::run_sync(const std::function<void()>& fn) {
  if (on_thread()) {
    fn();
    return true;
  }
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::exception_ptr error;
  bool posted = post([&] {
    try {
      fn();
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard lock(m);
    done = true;
    cv.notify_one();
  });
  if (!posted) return false;
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return done; });
  if (error) std::rethrow_exception(error);
  return true;
}

bool GlibThread::on_thread() const {
  return impl_->running.load() && std::this_thread::get_id() == impl_->thread_id;
}

void* GlibThread::native_context() const { return impl_->context; }

}  // namespace gw::sip
