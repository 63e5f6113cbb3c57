// EventRing: the --in-memory trail. Events are kept as the calls they record; only the events a
// lookup answers with get their record built. Lookups scan the ring, newest recorded first, and
// keep the best q.limit + 1 in a heap: event times can be a little out of recording order (a
// call's time is when it started, its event is appended when it ends), so the scan cannot stop
// early.
#include <algorithm>

#include "services/cloudtrail/event_store.h"

namespace orgroot::services::cloudtrail {

namespace {

bool has_key(const RecordedCall& c, int kind, const std::string& value) {
  return std::binary_search(c.keys.begin(), c.keys.end(), std::pair<int, std::string>(kind, value));
}

bool matches(const RecordedEvent& e, const EventQuery& q) {
  if (e.account_id != q.account_id) return false;
  if (q.start_time && e.event_time < *q.start_time) return false;
  if (q.end_time && e.event_time > *q.end_time) return false;
  if (q.after && !(e.event_time < q.after->first || (e.event_time == q.after->first && e.seq < q.after->second)))
    return false;
  const RecordedCall& c = *e.call;
  switch (q.key) {
    case LookupKey::None: return true;
    case LookupKey::EventId: return e.event_id == q.value;
    case LookupKey::EventName: return c.call.operation == q.value;
    case LookupKey::ReadOnly: return c.read_only == (q.value == "true");
    case LookupKey::Username: return c.username == q.value;
    case LookupKey::EventSource: return c.event_source == q.value;
    case LookupKey::AccessKeyId: return c.call.principal.access_key_id == q.value;
    case LookupKey::ResourceType: return has_key(c, kKeyResourceType, q.value);
    case LookupKey::ResourceName: return has_key(c, kKeyResourceName, q.value);
  }
  return false;
}

// Newest first: the later event time, then the later seq.
bool newer(const RecordedEvent* a, const RecordedEvent* b) {
  return a->event_time != b->event_time ? a->event_time > b->event_time : a->seq > b->seq;
}

}  // namespace

void EventRing::append(std::vector<RecordedEvent>& events) {
  std::lock_guard lk(mu_);
  for (auto& e : events) {
    e.seq = next_seq_++;
    events_.push_back(std::move(e));
  }
  while (max_events_ && events_.size() > max_events_) events_.pop_front();
}

std::vector<StoredEvent> EventRing::lookup(const EventQuery& q) const {
  const size_t want = static_cast<size_t>(std::max(q.limit, 0)) + 1;
  // A heap whose top is the oldest of the best found so far; the events are copied out (sharing
  // their calls) so that the records are built after the lock is released.
  std::vector<RecordedEvent> found;
  {
    std::lock_guard lk(mu_);
    std::vector<const RecordedEvent*> best;
    best.reserve(want);
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      if (!matches(*it, q)) continue;
      const RecordedEvent* e = &*it;
      if (best.size() < want) {
        best.push_back(e);
        std::push_heap(best.begin(), best.end(), newer);
      } else if (newer(e, best.front())) {
        std::pop_heap(best.begin(), best.end(), newer);
        best.back() = e;
        std::push_heap(best.begin(), best.end(), newer);
      }
    }
    std::sort_heap(best.begin(), best.end(), newer);
    found.reserve(best.size());
    for (const RecordedEvent* e : best) found.push_back(*e);
  }
  std::vector<StoredEvent> out;
  out.reserve(found.size());
  for (const auto& e : found) out.push_back(stored_event(e));
  return out;
}

void EventRing::clear() {
  std::lock_guard lk(mu_);
  events_.clear();
}

size_t EventRing::size() const {
  std::lock_guard lk(mu_);
  return events_.size();
}

}  // namespace orgroot::services::cloudtrail
