// Builds the CloudTrail service (LookupEvents) and the audit sink the pipeline records into.
#pragma once

#include <memory>
#include <vector>

#include "services/audit.h"
#include "services/deps.h"
#include "services/service.h"

namespace orgroot::services {

struct CloudTrailParts {
  std::unique_ptr<Service> service;  // name() "cloudtrail"
  AuditSink* sink = nullptr;         // owned by `service` (or by `owned`)
  std::vector<std::shared_ptr<void>> owned;
};

CloudTrailParts make_cloudtrail(ServiceDeps& deps);

}  // namespace orgroot::services
