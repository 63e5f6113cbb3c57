// The audit trail's store: CloudTrail event records in the shared SQLite database, one row per
// (event, recipient account), and the AuditSink the pipeline records every call into.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/ids.h"
#include "services/audit.h"
#include "store/db.h"
#include "store/identity_store.h"

namespace orgroot::services::cloudtrail {

void migrate(store::Db& db);

struct StoredEvent {
  int64_t seq = 0;
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

class EventStore final : public AuditSink {
 public:
  // identity (optional) tells the issue time of temporary credentials (sessionContext.creationDate).
  EventStore(store::Db& db, store::IdentityStore* identity, Random& random);

  // One transaction: one row per recipient account, plus the resources of each.
  void record(const AuditCall& call) override;
  // Newest first; at most limit + 1 rows so the caller can tell whether a next page exists.
  std::vector<StoredEvent> lookup(const EventQuery& q);

 private:
  store::Db& db_;
  store::IdentityStore* identity_;
  Random& random_;
  // Prepared once, used under the Db lock only.
  std::optional<store::Statement> insert_event_;
  std::optional<store::Statement> insert_resource_;
};

}  // namespace orgroot::services::cloudtrail
