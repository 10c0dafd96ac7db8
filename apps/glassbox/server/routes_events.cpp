// GET /api/events: Server-Sent Events. The stream opens with a "hello" event holding
// every job, then carries "job" (state changes), "stage", "batch" (throttled progress
// with ETA) and "epoch" events; a comment line every 10 s keeps proxies from closing it.
// A stream ends when a newer one takes its slot (EventHub::subscribe), after
// event_stream_lifetime, or when a write stalls (GuardedServer); the page's EventSource
// reconnects and gets a fresh "hello".
#include "route_handler.h"
#include "web_server.h"

namespace glassbox::server {

using nlohmann::json;

void add_event_routes(WebServer& s) {
  s.http.Get("/api/events", [&s](const httplib::Request&, httplib::Response& res) {
    auto sub = s.events.subscribe();
    if (!sub) {
      send_error(res, 503, "the server is stopping");
      return;
    }
    const auto end_of_life = std::chrono::steady_clock::now() + s.options.event_stream_lifetime;
    std::string hello = "event: hello\ndata: " +
                        json{{"jobs", s.jobs.list()}}.dump(-1, ' ', false, json::error_handler_t::replace) +
                        "\nretry: 2000\n\n";
    auto sent_hello = std::make_shared<bool>(false);
    auto idle_ms = std::make_shared<long>(0);
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider(
        "text/event-stream",
        [sub, hello, sent_hello, idle_ms, end_of_life](size_t, httplib::DataSink& sink) {
          if (!*sent_hello) {
            *sent_hello = true;
            return sink.write(hello.data(), hello.size());
          }
          if (sub->closed() || std::chrono::steady_clock::now() > end_of_life) {
            sink.done();
            return true;
          }
          std::string text = sub->wait(std::chrono::milliseconds(500));
          if (text.empty()) {
            if ((*idle_ms += 500) < 10000) return sink.is_writable();
            text = ": keep-alive\n\n";
          }
          *idle_ms = 0;
          return sink.write(text.data(), text.size());
        },
        [&s, sub](bool) { s.events.unsubscribe(sub); });
  });
}

}  // namespace glassbox::server
