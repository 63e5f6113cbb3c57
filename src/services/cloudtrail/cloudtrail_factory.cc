#include "services/cloudtrail/cloudtrail_factory.h"

#include "services/cloudtrail/cloudtrail_service.h"
#include "services/cloudtrail/event_store.h"

namespace orgroot::services {

CloudTrailParts make_cloudtrail(ServiceDeps& deps) {
  // In memory, a database of the trail would only be a slower copy of the ring.
  const auto storage = deps.db.durable() ? cloudtrail::TrailStorage::Database : cloudtrail::TrailStorage::Memory;
  auto events = std::make_shared<cloudtrail::EventStore>(deps.db, &deps.identity, deps.trail_max_events, storage);
  CloudTrailParts parts;
  parts.service = std::make_unique<cloudtrail::CloudTrailService>(*events);
  parts.sink = events.get();
  parts.owned.push_back(events);
  return parts;
}

}  // namespace orgroot::services
