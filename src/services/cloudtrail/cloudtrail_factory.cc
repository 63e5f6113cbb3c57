#include "services/cloudtrail/cloudtrail_factory.h"

namespace orgroot::services {

// The audit trail arrives with the centralized root access issue; until then nothing is recorded.
CloudTrailParts make_cloudtrail(ServiceDeps&) { return {}; }

}  // namespace orgroot::services
