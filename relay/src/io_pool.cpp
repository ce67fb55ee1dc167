#include "io_pool.hpp"

#include <boost/asio/post.hpp>
#include <thread>

namespace sb::relay {

namespace net = boost::asio;

io_pool::io_pool(unsigned threads, unsigned lookup_threads) : lookups_(std::make_unique<lookup_pool>(lookup_threads)) {
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i) {
    // Concurrency hint 1: each context is run by exactly one thread.
    contexts_.push_back(std::make_unique<net::io_context>(1));
    work_.push_back(net::make_work_guard(*contexts_.back()));
  }
}

io_pool::~io_pool() {
  lookups_.reset();
  work_.clear();
  for (auto& context : contexts_) context.reset();
}

io_executor io_pool::next_executor() {
  const auto index = next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size();
  return contexts_[index]->get_executor();
}

void io_pool::run() {
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < contexts_.size(); ++i)
    workers.emplace_back([context = contexts_[i].get()] { context->run(); });
  contexts_.front()->run();
  for (auto& worker : workers) worker.join();
}

void io_pool::stop() {
  for (auto& context : contexts_) context->stop();
}

void io_pool::post_to_each(const std::function<void()>& handler) {
  for (auto& context : contexts_) net::post(*context, handler);
}

}  // namespace sb::relay
