#include "services/organizations/organizations_factory.h"

namespace orgroot::services {

// Organizations arrives with the Organizations/IAM issue; until then there is none.
OrganizationsParts make_organizations(ServiceDeps&, AccountProvisioner*) { return {}; }

}  // namespace orgroot::services
