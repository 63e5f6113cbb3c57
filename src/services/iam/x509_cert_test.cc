#include "services/iam/x509_cert.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace orgroot::services::iam {

namespace test_certs {
std::string make_test_certificate(const std::string& common_name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_sign(x, key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  char* p = nullptr;
  long n = BIO_get_mem_data(bio, &p);
  std::string pem(p, static_cast<size_t>(n));
  BIO_free(bio);
  X509_free(x);
  EVP_PKEY_free(key);
  return pem;
}
}  // namespace test_certs

namespace {

TEST(X509Cert, ParsesAGeneratedCertificate) {
  std::string pem = test_certs::make_test_certificate("orgroot-test");
  auto c = parse_pem_certificate(pem);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->subject, "CN=orgroot-test");
  EXPECT_EQ(c->fingerprint_sha256.size(), 64u);
  EXPECT_GT(c->not_after, c->not_before);
  // Surrounding whitespace is fine; the same certificate has the same fingerprint.
  auto again = parse_pem_certificate("\n  " + pem + "\n\n");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->fingerprint_sha256, c->fingerprint_sha256);
  auto other = parse_pem_certificate(test_certs::make_test_certificate("other"));
  ASSERT_TRUE(other);
  EXPECT_NE(other->fingerprint_sha256, c->fingerprint_sha256);
}

TEST(X509Cert, RejectsGarbage) {
  EXPECT_FALSE(parse_pem_certificate(""));
  EXPECT_FALSE(parse_pem_certificate("not a certificate"));
  EXPECT_FALSE(parse_pem_certificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
  std::string pem = test_certs::make_test_certificate("x");
  EXPECT_FALSE(parse_pem_certificate(pem + "trailing junk"));
  std::string broken = pem;
  broken.erase(broken.size() / 2, 8);  // valid base64, truncated DER
  EXPECT_FALSE(parse_pem_certificate(broken));
}

}  // namespace
}  // namespace orgroot::services::iam
