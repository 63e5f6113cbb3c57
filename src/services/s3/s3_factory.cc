#include "services/s3/s3_factory.h"

#include "services/s3/s3_service.h"

namespace orgroot::services {

std::unique_ptr<Service> make_s3(ServiceDeps& deps) { return std::make_unique<s3::S3Service>(deps); }

}  // namespace orgroot::services
