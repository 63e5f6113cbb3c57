// CloudTrail's LookupEvents over the audit trail (json 1.1). The caller sees the events whose
// recipient is its own account, newest first.
#pragma once

#include "services/cloudtrail/event_store.h"
#include "services/service.h"

namespace orgroot::services::cloudtrail {

class CloudTrailService final : public Service {
 public:
  explicit CloudTrailService(EventStore& events);
  std::string_view name() const override { return "cloudtrail"; }

  OperationResult lookup_events(const CallContext& ctx, const boost::json::object& params);

 private:
  EventStore& events_;
};

// NextToken: an opaque cursor bound to the filter it was issued for.
std::string encode_next_token(const EventQuery& q, double event_time, int64_t seq);
// nullopt: not a token of ours, or issued for other parameters.
std::optional<std::pair<double, int64_t>> decode_next_token(const EventQuery& q, std::string_view token);

}  // namespace orgroot::services::cloudtrail
