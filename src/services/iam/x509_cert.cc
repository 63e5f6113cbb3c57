#include "services/iam/x509_cert.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "auth/crypto.h"

namespace orgroot::services::iam {

namespace {
double asn1_time_epoch(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<double>(timegm(&tm));
}
}  // namespace

std::optional<ParsedCertificate> parse_pem_certificate(std::string_view pem) {
  auto first = pem.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  pem.remove_prefix(first);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) return std::nullopt;
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr),
                                                   &X509_free);
  ERR_clear_error();
  if (!cert) return std::nullopt;
  // Nothing but whitespace may follow the certificate.
  char rest[256];
  int n;
  while ((n = BIO_read(bio.get(), rest, sizeof rest)) > 0)
    for (int i = 0; i < n; ++i)
      if (!isspace(static_cast<unsigned char>(rest[i]))) return std::nullopt;

  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  if (len <= 0) return std::nullopt;
  ParsedCertificate out;
  out.fingerprint_sha256 =
      crypto::hex_encode(crypto::sha256(std::string_view(reinterpret_cast<const char*>(der), static_cast<size_t>(len))));
  OPENSSL_free(der);
  if (X509_NAME* name = X509_get_subject_name(cert.get())) {
    std::unique_ptr<BIO, decltype(&BIO_free)> mem(BIO_new(BIO_s_mem()), &BIO_free);
    X509_NAME_print_ex(mem.get(), name, 0, XN_FLAG_RFC2253);
    char* p = nullptr;
    long l = BIO_get_mem_data(mem.get(), &p);
    if (p && l > 0) out.subject.assign(p, static_cast<size_t>(l));
  }
  out.not_before = asn1_time_epoch(X509_get0_notBefore(cert.get()));
  out.not_after = asn1_time_epoch(X509_get0_notAfter(cert.get()));
  return out;
}

}  // namespace orgroot::services::iam
