#include "services/sqs/sqs_factory.h"

namespace orgroot::services {

std::unique_ptr<Service> make_sqs(ServiceDeps&) { return nullptr; }

}  // namespace orgroot::services
