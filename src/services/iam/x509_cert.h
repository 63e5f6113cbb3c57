// X.509 certificates in PEM form, parsed with OpenSSL: UploadSigningCertificate's input.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orgroot::services::iam {

struct ParsedCertificate {
  std::string fingerprint_sha256;  // lowercase hex of the DER encoding
  std::string subject;             // one-line RFC 2253 form
  double not_before = 0;           // epoch seconds
  double not_after = 0;
};

// Exactly one PEM "CERTIFICATE" block (surrounding whitespace allowed). nullopt on anything else.
std::optional<ParsedCertificate> parse_pem_certificate(std::string_view pem);

}  // namespace orgroot::services::iam
