#include "services/iam/iam_factory.h"

namespace orgroot::services {

// IAM's operations arrive with the Organizations/IAM issue; until then there are none.
IamParts make_iam(ServiceDeps&) { return {}; }

}  // namespace orgroot::services
