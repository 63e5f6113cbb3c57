// EventRing: the --in-memory trail. Lookups scan the ring, newest recorded first, and keep the
// best q.limit + 1 in a heap: event times can be a little out of recording order (a call's time is
// when it started, its record is appended when it ends), so the scan cannot stop early.
#include <algorithm>

#include "services/cloudtrail/event_store.h"

namespace orgroot::services::cloudtrail {

namespace {

bool has_key(const RecordedEvent& r, int kind, const std::string& value) {
  return std::binary_search(r.keys.begin(), r.keys.end(), std::pair<int, std::string>(kind, value));
}

bool matches(const RecordedEvent& r, const EventQuery& q) {
  const StoredEvent& e = r.event;
  if (r.account_id != q.account_id) return false;
  if (q.start_time && e.event_time < *q.start_time) return false;
  if (q.end_time && e.event_time > *q.end_time) return false;
  if (q.after && !(e.event_time < q.after->first || (e.event_time == q.after->first && e.seq < q.after->second)))
    return false;
  switch (q.key) {
    case LookupKey::None: return true;
    case LookupKey::EventId: return e.event_id == q.value;
    case LookupKey::EventName: return e.event_name == q.value;
    case LookupKey::ReadOnly: return e.read_only == (q.value == "true");
    case LookupKey::Username: return e.username == q.value;
    case LookupKey::EventSource: return e.event_source == q.value;
    case LookupKey::AccessKeyId: return e.access_key_id == q.value;
    case LookupKey::ResourceType: return has_key(r, kKeyResourceType, q.value);
    case LookupKey::ResourceName: return has_key(r, kKeyResourceName, q.value);
  }
  return false;
}

// Newest first: the later event time, then the later seq.
bool newer(const StoredEvent* a, const StoredEvent* b) {
  return a->event_time != b->event_time ? a->event_time > b->event_time : a->seq > b->seq;
}

}  // namespace

void EventRing::append(std::vector<RecordedEvent>& events) {
  // Records are built in a buffer with room to spare; kept by the hundred thousand, that room
  // would be a third of the trail's memory.
  for (auto& r : events) r.event.record.shrink_to_fit();
  std::lock_guard lk(mu_);
  for (auto& r : events) {
    r.event.seq = next_seq_++;
    events_.push_back(std::move(r));
  }
  while (max_events_ && events_.size() > max_events_) events_.pop_front();
}

std::vector<StoredEvent> EventRing::lookup(const EventQuery& q) const {
  const size_t want = static_cast<size_t>(std::max(q.limit, 0)) + 1;
  std::lock_guard lk(mu_);
  // A heap whose top is the oldest of the best found so far.
  std::vector<const StoredEvent*> best;
  best.reserve(want);
  for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
    if (!matches(*it, q)) continue;
    const StoredEvent* e = &it->event;
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
  std::vector<StoredEvent> out;
  out.reserve(best.size());
  for (const StoredEvent* e : best) out.push_back(*e);
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
