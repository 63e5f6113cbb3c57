#include "services/cloudtrail/event_store.h"

#include <algorithm>
#include <cmath>

#include "services/cloudtrail/event_record.h"

namespace orgroot::services::cloudtrail {

namespace json = boost::json;

void migrate(store::Db& db) {
  db.migrate("cloudtrail", {
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
  });
}

EventStore::EventStore(store::Db& db, store::IdentityStore* identity, Random& random)
    : db_(db), identity_(identity), random_(random) {
  migrate(db_);
  db_.run([&](store::Database& d) {
    insert_event_.emplace(d.prepare(
        "INSERT INTO cloudtrail_events(account_id, event_id, event_time, event_name, event_source, username, "
        "access_key_id, read_only, record) VALUES(?,?,?,?,?,?,?,?,?)"));
    insert_resource_.emplace(d.prepare(
        "INSERT INTO cloudtrail_event_resources(seq, account_id, resource_type, resource_name, resource_arn) "
        "VALUES(?,?,?,?,?)"));
  });
}

void EventStore::record(const AuditCall& call) {
  // Recipients in order, without repeats; an anonymous call with no owner to tell is kept nowhere.
  std::vector<std::string> recipients;
  for (const auto& a : call.recipient_accounts)
    if (!a.empty() && std::find(recipients.begin(), recipients.end(), a) == recipients.end())
      recipients.push_back(a);
  if (recipients.empty()) return;

  double session_created = 0;
  if (identity_ && call.principal.temporary && !call.principal.access_key_id.empty())
    if (auto s = identity_->get_session(call.principal.access_key_id)) session_created = s->created_at;

  const std::string shared = recipients.size() > 1 ? ids::uuid4(random_) : std::string();
  const std::string source = event_source(call.service);
  const std::string username = lookup_username(call.principal);
  const bool read_only = is_read_only(call.operation);
  const double when = std::floor(call.event_time);
  const auto resources = record_resources(call);

  struct Row {
    std::string event_id;
    std::string text;
  };
  std::vector<Row> rows;
  rows.reserve(recipients.size());
  RecordInput in{&call, {}, {}, shared, session_created};
  for (const auto& acct : recipients) {
    in.event_id = ids::uuid4(random_);
    in.recipient_account = acct;
    rows.push_back({in.event_id, json::serialize(build_record(in))});
  }

  db_.transaction([&](store::Database& d) {
    for (size_t i = 0; i < recipients.size(); ++i) {
      auto& ins = *insert_event_;
      ins.reset();
      ins.bind(1, recipients[i])
          .bind(2, rows[i].event_id)
          .bind(3, when)
          .bind(4, call.operation)
          .bind(5, source)
          .bind(6, username)
          .bind(7, call.principal.access_key_id)
          .bind(8, read_only)
          .bind(9, rows[i].text);
      ins.run();
      ins.reset();
      const int64_t seq = sqlite3_last_insert_rowid(d.raw());
      for (const auto& r : resources) {
        auto& rs = *insert_resource_;
        rs.reset();
        rs.bind(1, seq).bind(2, recipients[i]).bind(3, r.type).bind(4, resource_name(r.arn)).bind(5, r.arn);
        rs.run();
        rs.reset();
      }
    }
  });
}

std::vector<StoredEvent> EventStore::lookup(const EventQuery& q) {
  std::string sql =
      "SELECT seq, event_id, event_time, event_name, event_source, username, access_key_id, read_only, record "
      "FROM cloudtrail_events WHERE account_id=?1";
  switch (q.key) {
    case LookupKey::None: break;
    case LookupKey::EventId: sql += " AND event_id=?2"; break;
    case LookupKey::EventName: sql += " AND event_name=?2"; break;
    case LookupKey::ReadOnly: sql += " AND read_only=(?2='true')"; break;
    case LookupKey::Username: sql += " AND username=?2"; break;
    case LookupKey::EventSource: sql += " AND event_source=?2"; break;
    case LookupKey::AccessKeyId: sql += " AND access_key_id=?2"; break;
    case LookupKey::ResourceType:
      sql += " AND seq IN (SELECT seq FROM cloudtrail_event_resources WHERE account_id=?1 AND resource_type=?2)";
      break;
    case LookupKey::ResourceName:
      sql += " AND seq IN (SELECT seq FROM cloudtrail_event_resources WHERE account_id=?1 AND "
             "(resource_name=?2 OR resource_arn=?2))";
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
      out.push_back(std::move(e));
    }
    if (!out.empty()) {
      auto rs = d.prepare("SELECT resource_type, resource_name FROM cloudtrail_event_resources WHERE seq=? ORDER BY rowid");
      for (auto& e : out) {
        rs.bind(1, e.seq);
        while (rs.step()) e.resources.emplace_back(rs.text(0), rs.text(1));
        rs.reset();
      }
    }
    return out;
  });
}

}  // namespace orgroot::services::cloudtrail
