// The audit trail's store, one event per (call, recipient account), and the AuditSink the pipeline
// records every call into. Two storages, one behaviour:
//
// - Database (a server with a data directory): the events are rows of the shared SQLite database.
//   A call that changes something commits its record (and whatever else is queued) before it
//   returns, so the record of an acknowledged write survives kill -9; if a commit is already under
//   way it waits for that one or commits next. A read-only call only queues its record: a writer
//   thread commits the queue in batches (group commit) within milliseconds.
// - Memory (--in-memory): the events are an EventRing in the process, appended as they are
//   recorded; nothing is written anywhere, so there is no writer thread and nothing to wait for.
//
// Either way every lookup sees what was recorded before it, so readers always see their own calls.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/ids.h"
#include "services/audit.h"
#include "store/db.h"
#include "store/identity_store.h"

namespace orgroot::services::cloudtrail {

// The "cloudtrail" component's schema migrations, and applying them.
const std::vector<std::string_view>& migrations();
void migrate(store::Db& db);

struct StoredEvent {
  int64_t seq = 0;  // the order of recording, per store
  std::string event_id;
  double event_time = 0;  // whole seconds, as eventTime shows it
  std::string event_name;
  std::string event_source;
  std::string username;
  std::string access_key_id;
  bool read_only = false;
  std::vector<std::pair<std::string, std::string>> resources;  // (type, name)
  std::string record;  // the CloudTrail event JSON
};

// What LookupEvents asks for; the service checks its validity first.
enum class LookupKey { None, EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId };
struct EventQuery {
  std::string account_id;
  LookupKey key = LookupKey::None;
  std::string value;
  std::optional<double> start_time, end_time;
  // Keyset cursor: events strictly after (older than) this one in newest-first order.
  std::optional<std::pair<double, int64_t>> after;
  int limit = 50;
};

// A call as the trail keeps it, shared by the events of its recipient accounts: what their
// records are built from (record_json) and what lookups filter on.
struct RecordedCall {
  AuditCall call;
  double session_created = 0;   // sessionContext.attributes.creationDate; 0 = unknown
  std::string shared_event_id;  // "" unless the call has several recipients
  bool read_only = false;
  std::string event_source;
  std::string username;  // as LookupEvents shows it
  std::vector<AuditResource> resources;                             // record_resources(call)
  std::vector<std::pair<std::string, std::string>> resource_pairs;  // (type, short name)
  std::vector<std::pair<int, std::string>> keys;  // (kind, value) resource lookups search, sorted, unique
};

// One event: a call as recorded for one recipient account. The record's JSON text is built from
// the call when it is needed: by the writer, before its insert, or by a lookup of the ring.
struct RecordedEvent {
  std::shared_ptr<const RecordedCall> call;
  std::string account_id;
  std::string event_id;
  double event_time = 0;  // whole seconds
  int64_t seq = 0;        // assigned when stored
};
// The record (CloudTrail's event JSON) and the lookup answer of an event.
std::string render_record(const RecordedEvent& e);
StoredEvent stored_event(const RecordedEvent& e);
// Kinds of RecordedEvent::keys (and of cloudtrail_event_keys rows).
inline constexpr int kKeyResourceType = 1;
inline constexpr int kKeyResourceName = 2;  // the short name and, when it differs, the ARN

// The trail kept in the process (--in-memory): the newest events in recording order, found by
// scanning. Thread-safe.
class EventRing {
 public:
  // max_events > 0: appending beyond it drops the oldest events.
  explicit EventRing(size_t max_events) : max_events_(max_events) {}
  // Assigns each its seq, in order.
  void append(std::vector<RecordedEvent>& events);
  // As EventStore::lookup: newest first (event time, then seq), at most q.limit + 1 events.
  std::vector<StoredEvent> lookup(const EventQuery& q) const;
  void clear();
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::deque<RecordedEvent> events_;
  int64_t next_seq_ = 1;
  const size_t max_events_;
};

enum class TrailStorage { Database, Memory };

class EventStore final : public AuditSink {
 public:
  // identity (optional) tells the issue time of temporary credentials (sessionContext.creationDate).
  // max_events > 0: the trail keeps the newest max_events events, dropping the oldest as new ones
  // come (in the writer's transactions, for the database).
  EventStore(store::Db& db, store::IdentityStore* identity, size_t max_events = 0,
             TrailStorage storage = TrailStorage::Database);
  // Commits everything still queued, then stops the writer.
  ~EventStore() override;
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Keeps the call as one event per recipient account, in the ring or queued for the database;
  // with the database, returns once they are committed unless the call was read-only.
  void record(AuditCall call) override;
  // Returns once everything recorded before the call is committed.
  void flush();
  // Newest first; at most limit + 1 rows so the caller can tell whether a next page exists.
  std::vector<StoredEvent> lookup(const EventQuery& q);
  // Events kept, of every account (after a flush).
  size_t count();

 private:
  // An event on its way into cloudtrail_events, its record built.
  struct Row {
    RecordedEvent event;
    std::string record;
  };

  void writer_loop();
  // Waits (lock held by lk) until the ticket is committed, waking the writer at once.
  void wait_for_commit(std::unique_lock<std::mutex>& lk, uint64_t ticket);
  // Takes the whole queue and commits it in one transaction (lk held on entry and on return).
  void commit_queue(std::unique_lock<std::mutex>& lk);
  void write_batch(std::vector<Row>& rows);
  // Drops the oldest events beyond max_events_ (inside write_batch's transaction).
  void prune(store::Database& d);

  store::Db& db_;
  store::IdentityStore* identity_;
  const size_t max_events_;
  std::unique_ptr<EventRing> ring_;  // TrailStorage::Memory: the events, and no writer
  size_t stored_ = 0;  // events in the table, when max_events_ is set (the writer's, under the Db lock)
  size_t pruned_ = 0;  // events dropped since the lookup keys were last swept

  std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits for rows
  std::condition_variable done_cv_;  // recorders and flushers wait for commits
  std::vector<RecordedEvent> queue_;
  uint64_t queued_ = 0;     // tickets handed out (one per record() call)
  uint64_t committed_ = 0;  // every ticket up to this one is committed
  int waiting_ = 0;         // callers blocked until a commit: the writer must not linger
  bool writing_ = false;    // a batch is being committed (by the writer or by a caller)
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace orgroot::services::cloudtrail
