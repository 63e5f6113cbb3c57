#include "services/cloudtrail/event_store.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/json_writer.h"
#include "services/cloudtrail/event_record.h"

namespace orgroot::services::cloudtrail {

namespace json = boost::json;

const std::vector<std::string_view>& migrations() {
  static const std::vector<std::string_view> m = {
      R"(CREATE TABLE cloudtrail_events(
           seq INTEGER PRIMARY KEY AUTOINCREMENT,
           account_id TEXT NOT NULL,
           event_id TEXT NOT NULL,
           event_time REAL NOT NULL,
           event_name TEXT NOT NULL,
           event_source TEXT NOT NULL,
           username TEXT NOT NULL DEFAULT '',
           access_key_id TEXT NOT NULL DEFAULT '',
           read_only INTEGER NOT NULL,
           record TEXT NOT NULL);
         CREATE UNIQUE INDEX cloudtrail_events_by_id ON cloudtrail_events(account_id, event_id);
         CREATE INDEX cloudtrail_events_by_time ON cloudtrail_events(account_id, event_time DESC, seq DESC);
         CREATE INDEX cloudtrail_events_by_name ON cloudtrail_events(account_id, event_name, event_time DESC, seq DESC);
         CREATE INDEX cloudtrail_events_by_user ON cloudtrail_events(account_id, username, event_time DESC, seq DESC);
         CREATE INDEX cloudtrail_events_by_key ON cloudtrail_events(account_id, access_key_id, event_time DESC, seq DESC);
         CREATE INDEX cloudtrail_events_by_source ON cloudtrail_events(account_id, event_source, event_time DESC, seq DESC);
         CREATE INDEX cloudtrail_events_by_read_only ON cloudtrail_events(account_id, read_only, event_time DESC, seq DESC);
         CREATE TABLE cloudtrail_event_resources(
           seq INTEGER NOT NULL,
           account_id TEXT NOT NULL,
           resource_type TEXT NOT NULL,
           resource_name TEXT NOT NULL,
           resource_arn TEXT NOT NULL);
         CREATE INDEX cloudtrail_resources_by_seq ON cloudtrail_event_resources(seq);
         CREATE INDEX cloudtrail_resources_by_name ON cloudtrail_event_resources(account_id, resource_name);
         CREATE INDEX cloudtrail_resources_by_arn ON cloudtrail_event_resources(account_id, resource_arn);
         CREATE INDEX cloudtrail_resources_by_type ON cloudtrail_event_resources(account_id, resource_type);)",
      // 2: fewer B-trees to write per event. One covering index answers every attribute lookup
      // (newest first, filtered on the index alone); the resources move into the event row, and
      // the resource lookups into one WITHOUT ROWID table.
      R"(DROP INDEX cloudtrail_events_by_id;
         DROP INDEX cloudtrail_events_by_time;
         DROP INDEX cloudtrail_events_by_name;
         DROP INDEX cloudtrail_events_by_user;
         DROP INDEX cloudtrail_events_by_key;
         DROP INDEX cloudtrail_events_by_source;
         DROP INDEX cloudtrail_events_by_read_only;
         CREATE INDEX cloudtrail_events_lookup ON cloudtrail_events(
           account_id, event_time DESC, seq DESC, event_name, event_source, username, access_key_id, read_only, event_id);
         ALTER TABLE cloudtrail_events ADD COLUMN resources TEXT NOT NULL DEFAULT '[]';
         UPDATE cloudtrail_events SET resources = (
           SELECT json_group_array(json_array(resource_type, resource_name))
           FROM (SELECT resource_type, resource_name FROM cloudtrail_event_resources r
                 WHERE r.seq = cloudtrail_events.seq ORDER BY r.rowid))
         WHERE seq IN (SELECT seq FROM cloudtrail_event_resources);
         CREATE TABLE cloudtrail_event_keys(
           account_id TEXT NOT NULL,
           kind INTEGER NOT NULL,
           value TEXT NOT NULL,
           seq INTEGER NOT NULL,
           PRIMARY KEY(account_id, kind, value, seq)) WITHOUT ROWID;
         INSERT OR IGNORE INTO cloudtrail_event_keys SELECT account_id, 1, resource_type, seq FROM cloudtrail_event_resources;
         INSERT OR IGNORE INTO cloudtrail_event_keys SELECT account_id, 2, resource_name, seq FROM cloudtrail_event_resources;
         INSERT OR IGNORE INTO cloudtrail_event_keys SELECT account_id, 2, resource_arn, seq FROM cloudtrail_event_resources;
         DROP TABLE cloudtrail_event_resources;)",
  };
  return m;
}

void migrate(store::Db& db) { db.migrate("cloudtrail", migrations()); }

namespace {
// Beyond this many rows waiting for the writer, every recorder waits for its commit (back-pressure).
constexpr size_t kMaxQueuedRows = 4096;
// A batch of read-only rows is committed when this many are queued, or this long after its first.
constexpr size_t kWakeRows = 256;
constexpr std::chrono::milliseconds kGatherTime{2};
}  // namespace

EventStore::EventStore(store::Db& db, store::IdentityStore* identity, size_t max_events, TrailStorage storage)
    : db_(db), identity_(identity), max_events_(max_events) {
  if (storage == TrailStorage::Memory) {
    ring_ = std::make_unique<EventRing>(max_events_);
    db_.on_reset([this] { ring_->clear(); });  // moto's reset wipes the trail too
    return;
  }
  migrate(db_);
  if (max_events_)
    stored_ = db_.run([](store::Database& d) {
      auto st = d.prepare("SELECT count(*) FROM cloudtrail_events");
      st.step();
      return static_cast<size_t>(st.i64(0));
    });
  db_.on_reset([this] { stored_ = 0; });
  for (const char* t : {"cloudtrail_events", "cloudtrail_event_keys", "cloudtrail_event_resources"}) db_.volatile_table(t);
  // moto's reset wipes the tables: what is still queued must not come back afterwards.
  db_.before_reset([this] { flush(); });
  writer_ = std::thread([this] { writer_loop(); });
}

EventStore::~EventStore() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

std::string render_record(const RecordedEvent& e) {
  const RecordedCall& rc = *e.call;
  return record_json(RecordInput{&rc.call, e.event_id, e.account_id, rc.shared_event_id, rc.session_created, &rc.resources});
}

StoredEvent stored_event(const RecordedEvent& e) {
  const RecordedCall& rc = *e.call;
  StoredEvent out;
  out.seq = e.seq;
  out.event_id = e.event_id;
  out.event_time = e.event_time;
  out.event_name = rc.call.operation;
  out.event_source = rc.event_source;
  out.username = rc.username;
  out.access_key_id = rc.call.principal.access_key_id;
  out.read_only = rc.read_only;
  out.resources = rc.resource_pairs;
  out.record = render_record(e);
  return out;
}

void EventStore::record(AuditCall call) {
  // Recipients in order, without repeats; an anonymous call with no owner to tell is kept nowhere.
  std::vector<std::string> recipients;
  for (const auto& a : call.recipient_accounts)
    if (!a.empty() && std::find(recipients.begin(), recipients.end(), a) == recipients.end())
      recipients.push_back(a);
  if (recipients.empty()) return;

  auto rc = std::make_shared<RecordedCall>();
  rc->session_created = call.principal.issued_at;
  if (rc->session_created == 0 && identity_ && call.principal.temporary && !call.principal.access_key_id.empty())
    if (auto s = identity_->get_session(call.principal.access_key_id)) rc->session_created = s->created_at;

  // Event ids need to be unique, not secret.
  FastRandom ids_random;
  if (recipients.size() > 1) rc->shared_event_id = ids::uuid4(ids_random);
  rc->read_only = is_read_only(call.operation);
  rc->event_source = event_source(call.service);
  rc->username = lookup_username(call.principal);
  rc->resources = record_resources(call);
  for (const auto& r : rc->resources) {
    std::string name = resource_name(r.arn);
    rc->resource_pairs.emplace_back(r.type, name);
    rc->keys.emplace_back(kKeyResourceType, r.type);
    if (name != r.arn) rc->keys.emplace_back(kKeyResourceName, r.arn);
    rc->keys.emplace_back(kKeyResourceName, std::move(name));
  }
  std::sort(rc->keys.begin(), rc->keys.end());
  rc->keys.erase(std::unique(rc->keys.begin(), rc->keys.end()), rc->keys.end());
  const double event_time = std::floor(call.event_time);
  keep_what_records_show(call);  // no secret, no object content, kept for as long as the event
  rc->call = std::move(call);
  const bool read_only = rc->read_only;

  std::vector<RecordedEvent> rows;
  rows.reserve(recipients.size());
  for (auto& acct : recipients) rows.push_back(RecordedEvent{rc, std::move(acct), ids::uuid4(ids_random), event_time, 0});
  if (ring_) {
    ring_->append(rows);
    return;
  }

  std::unique_lock lk(mu_);
  const bool was_empty = queue_.empty();
  for (auto& r : rows) queue_.push_back(std::move(r));
  const uint64_t ticket = ++queued_;
  // Read-only calls do not wait for their record, unless the writer has fallen far behind; nor
  // does any call when the database is in memory (a commit makes nothing durable there).
  if ((read_only || !db_.durable()) && queue_.size() < kMaxQueuedRows) {
    // The writer is woken once per batch, not once per call: it then gathers for a moment.
    if (was_empty || queue_.size() == kWakeRows) work_cv_.notify_one();
    return;
  }
  wait_for_commit(lk, ticket);
}

void EventStore::wait_for_commit(std::unique_lock<std::mutex>& lk, uint64_t ticket) {
  while (committed_ < ticket) {
    if (!writing_) {
      // Nobody is writing: commit the queue on this thread, sparing two thread switches.
      commit_queue(lk);
      continue;
    }
    ++waiting_;
    work_cv_.notify_one();
    done_cv_.wait(lk, [&] { return committed_ >= ticket || !writing_; });
    --waiting_;
  }
}

void EventStore::commit_queue(std::unique_lock<std::mutex>& lk) {
  writing_ = true;
  std::vector<RecordedEvent> events;
  events.swap(queue_);
  const uint64_t upto = queued_;
  lk.unlock();
  try {
    // The records are built here, before the transaction takes the database.
    std::vector<Row> batch;
    batch.reserve(events.size());
    for (auto& e : events) {
      std::string text = render_record(e);
      batch.push_back(Row{std::move(e), std::move(text)});
    }
    write_batch(batch);
  } catch (const std::exception& e) {
    // The trail must not take the server down; the rows of this batch are lost and said so.
    spdlog::error("audit trail: {} events not written: {}", events.size(), e.what());
  }
  lk.lock();
  committed_ = std::max(committed_, upto);
  writing_ = false;
  if (waiting_ > 0) done_cv_.notify_all();
  // Rows queued meanwhile are the writer's. Waking it for nothing would cost two thread switches
  // per write on a busy core.
  if (!queue_.empty()) work_cv_.notify_one();
}

void EventStore::flush() {
  if (ring_) return;  // appended as recorded
  std::unique_lock lk(mu_);
  wait_for_commit(lk, queued_);
}

void EventStore::writer_loop() {
  // Requests come first: on a busy core the writer yields to the I/O threads (a Linux thread's
  // nice value is its own). Nothing waits for its read-only batches, and anyone who waits for a
  // commit does it on their own thread.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 5);
  std::unique_lock lk(mu_);
  for (;;) {
    work_cv_.wait(lk, [&] { return stopping_ || (!queue_.empty() && !writing_); });
    if (writing_) {  // stopping while a caller commits: let it finish
      ++waiting_;
      done_cv_.wait(lk, [&] { return !writing_; });
      --waiting_;
      continue;
    }
    if (queue_.empty()) {
      if (stopping_) return;
      continue;
    }
    // Nobody waits for read-only rows: let a few more calls join this transaction.
    work_cv_.wait_for(lk, kGatherTime, [&] { return stopping_ || waiting_ > 0 || queue_.size() >= kWakeRows; });
    if (queue_.empty() || writing_) continue;  // a caller committed them meanwhile
    commit_queue(lk);
  }
}

void EventStore::write_batch(std::vector<Row>& rows) {
  db_.transaction([&](store::Database& d) {
    auto ins = d.prepare(
        "INSERT INTO cloudtrail_events(account_id, event_id, event_time, event_name, event_source, username, "
        "access_key_id, read_only, record, resources) VALUES(?,?,?,?,?,?,?,?,?,?)");
    auto key = d.prepare("INSERT OR IGNORE INTO cloudtrail_event_keys(account_id, kind, value, seq) VALUES(?,?,?,?)");
    std::string resources;
    for (const auto& r : rows) {
      const RecordedEvent& e = r.event;
      const RecordedCall& rc = *e.call;
      resources.clear();
      JsonWriter w(resources);  // [[type, name], ...]
      w.begin_array();
      for (const auto& [type, name] : rc.resource_pairs) w.begin_array().string(type).string(name).end_array();
      w.end_array();
      ins.reset();
      ins.bind(1, e.account_id)
          .bind(2, e.event_id)
          .bind(3, e.event_time)
          .bind(4, rc.call.operation)
          .bind(5, rc.event_source)
          .bind(6, rc.username)
          .bind(7, rc.call.principal.access_key_id)
          .bind(8, rc.read_only)
          .bind_unowned(9, r.record)
          .bind_unowned(10, resources);
      ins.run();
      ins.reset();
      const int64_t seq = sqlite3_last_insert_rowid(d.raw());
      for (const auto& [kind, value] : rc.keys) {
        key.reset();
        key.bind(1, e.account_id).bind(2, static_cast<int64_t>(kind)).bind(3, value).bind(4, seq);
        key.run();
        key.reset();
      }
    }
    stored_ += rows.size();
    // As many dropped as were added, batch by batch: one long delete now and then would hold the
    // database (and the core) long enough to show in every request's latency.
    if (max_events_ && stored_ > max_events_) prune(d);
  });
}

void EventStore::prune(store::Database& d) {
  // The newest max_events_ stay. seq counts up by one per event (AUTOINCREMENT), so the oldest kept
  // is found without walking the table.
  const int64_t newest = sqlite3_last_insert_rowid(d.raw());
  const int64_t oldest_kept = newest - static_cast<int64_t>(max_events_) + 1;
  d.prepare("DELETE FROM cloudtrail_events WHERE seq < ?").bind(1, oldest_kept).run();
  pruned_ += stored_ - max_events_;
  stored_ = max_events_;
  // Lookup keys of dropped events find nothing (lookups join the events); they are swept now and
  // then, as the sweep reads the whole key table.
  if (pruned_ >= max_events_ / 4) {
    d.prepare("DELETE FROM cloudtrail_event_keys WHERE seq < ?").bind(1, oldest_kept).run();
    pruned_ = 0;
  }
}

size_t EventStore::count() {
  if (ring_) return ring_->size();
  flush();
  return db_.run([](store::Database& d) {
    auto st = d.prepare("SELECT count(*) FROM cloudtrail_events");
    st.step();
    return static_cast<size_t>(st.i64(0));
  });
}

std::vector<StoredEvent> EventStore::lookup(const EventQuery& q) {
  if (ring_) return ring_->lookup(q);
  flush();  // what this reader (or anyone) recorded before must be visible
  std::string sql =
      "SELECT seq, event_id, event_time, event_name, event_source, username, access_key_id, read_only, record, "
      "resources FROM cloudtrail_events WHERE account_id=?1";
  switch (q.key) {
    case LookupKey::None: break;
    case LookupKey::EventId: sql += " AND event_id=?2"; break;
    case LookupKey::EventName: sql += " AND event_name=?2"; break;
    case LookupKey::ReadOnly: sql += " AND read_only=(?2='true')"; break;
    case LookupKey::Username: sql += " AND username=?2"; break;
    case LookupKey::EventSource: sql += " AND event_source=?2"; break;
    case LookupKey::AccessKeyId: sql += " AND access_key_id=?2"; break;
    case LookupKey::ResourceType:
      sql += " AND seq IN (SELECT seq FROM cloudtrail_event_keys WHERE account_id=?1 AND kind=1 AND value=?2)";
      break;
    case LookupKey::ResourceName:
      sql += " AND seq IN (SELECT seq FROM cloudtrail_event_keys WHERE account_id=?1 AND kind=2 AND value=?2)";
      break;
  }
  if (q.start_time) sql += " AND event_time>=?3";
  if (q.end_time) sql += " AND event_time<=?4";
  if (q.after) sql += " AND (event_time<?5 OR (event_time=?5 AND seq<?6))";
  sql += " ORDER BY event_time DESC, seq DESC LIMIT ?7";

  return db_.run([&](store::Database& d) {
    std::vector<StoredEvent> out;
    auto st = d.prepare(sql);
    st.bind(1, q.account_id);
    if (q.key != LookupKey::None) st.bind(2, q.value);
    if (q.start_time) st.bind(3, *q.start_time);
    if (q.end_time) st.bind(4, *q.end_time);
    if (q.after) st.bind(5, q.after->first).bind(6, q.after->second);
    st.bind(7, static_cast<int64_t>(q.limit) + 1);
    while (st.step()) {
      StoredEvent e;
      e.seq = st.i64(0);
      e.event_id = st.text(1);
      e.event_time = st.f64(2);
      e.event_name = st.text(3);
      e.event_source = st.text(4);
      e.username = st.text(5);
      e.access_key_id = st.text(6);
      e.read_only = st.i64(7) != 0;
      e.record = st.text(8);
      auto pairs = json::parse(st.text(9));
      for (const auto& p : pairs.as_array()) {
        const auto& a = p.as_array();
        e.resources.emplace_back(std::string(a.at(0).as_string()), std::string(a.at(1).as_string()));
      }
      out.push_back(std::move(e));
    }
    return out;
  });
}

}  // namespace orgroot::services::cloudtrail
