#include "services/sqs/sqs_factory.h"

#include "services/sqs/sqs_service.h"

namespace orgroot::services {

std::unique_ptr<Service> make_sqs(ServiceDeps& deps) { return std::make_unique<sqs::SqsService>(deps); }

}  // namespace orgroot::services
