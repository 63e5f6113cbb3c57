// Builds the S3 service.
#pragma once

#include <memory>

#include "services/deps.h"
#include "services/service.h"

namespace orgroot::services {

std::unique_ptr<Service> make_s3(ServiceDeps& deps);  // name() "s3"

}  // namespace orgroot::services
