// Builds the SQS service.
#pragma once

#include <memory>

#include "services/deps.h"
#include "services/service.h"

namespace orgroot::services {

std::unique_ptr<Service> make_sqs(ServiceDeps& deps);  // name() "sqs"

}  // namespace orgroot::services
