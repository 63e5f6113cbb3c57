#include "services/s3/s3_factory.h"

namespace orgroot::services {

std::unique_ptr<Service> make_s3(ServiceDeps&) { return nullptr; }

}  // namespace orgroot::services
