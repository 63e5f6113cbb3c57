// aws-chunked bodies: AWS's documented example ("Signature Calculations for the Authorization
// Header: Transferring Payload in Multiple Chunks", PUT examplebucket/chunkObject.txt with 66560
// bytes of 'a' in 64 KiB chunks), tampering, truncation and trailers.
#include "auth/aws_chunked.h"

#include <gtest/gtest.h>

#include "auth/crypto.h"
#include "auth/sigv4.h"

namespace orgroot::auth {
namespace {

constexpr const char* kKeyId = "AKIAIOSFODNN7EXAMPLE";
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr const char* kDate = "20130524T000000Z";
constexpr const char* kSeed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr const char* kChunk1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr const char* kChunk2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr const char* kChunkFinal = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

std::chrono::system_clock::time_point T(std::string_view s) { return parse_amz_date(s).value(); }

std::string doc_body() {
  return "10000;chunk-signature=" + std::string(kChunk1) + "\r\n" + std::string(65536, 'a') + "\r\n" +
         "400;chunk-signature=" + kChunk2 + "\r\n" + std::string(1024, 'a') + "\r\n" + "0;chunk-signature=" +
         kChunkFinal + "\r\n\r\n";
}

HttpRequest doc_request() {
  HttpRequest r;
  r.method = "PUT";
  r.target = "/examplebucket/chunkObject.txt";
  r.headers = {{"Host", "s3.amazonaws.com"},
               {"x-amz-date", kDate},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
               {"Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders="
                "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;"
                "x-amz-storage-class,Signature=" +
                    std::string(kSeed)},
               {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
               {"Content-Encoding", "aws-chunked"},
               {"x-amz-decoded-content-length", "66560"},
               {"Content-Length", "66824"}};
  r.body = doc_body();
  return r;
}

SigV4Params doc_params() {
  auto p = parse_auth(doc_request(), true);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return p.value();
}

SigningKey doc_key() { return derive_signing_key(kSecret, "20130524", "us-east-1", "s3"); }

TEST(AwsChunked, DocumentedSeedSignatureVerifies) {
  HttpRequest r = doc_request();
  EXPECT_EQ(r.body.size(), 66824u);  // the example's Content-Length
  SigV4Params p = doc_params();
  EXPECT_EQ(p.access_key_id, kKeyId);
  EXPECT_EQ(p.signature, kSeed);
  EXPECT_EQ(payload_hash(r, p), kStreamingSignedPayload);
  VerifyOptions opt;
  opt.now = T(kDate);
  opt.s3_style = true;
  auto st = verify(r, p, kSecret, opt);
  EXPECT_TRUE(st.ok()) << st.error().code << ": " << st.error().message;
}

TEST(AwsChunked, DocumentedChunkSignatures) {
  SigV4Params p = doc_params();
  SigningKey key = doc_key();
  const std::string scope = p.credential_scope();
  std::string s1 = chunk_signature(key, kDate, scope, kSeed, std::string(65536, 'a'));
  EXPECT_EQ(s1, kChunk1);
  std::string s2 = chunk_signature(key, kDate, scope, s1, std::string(1024, 'a'));
  EXPECT_EQ(s2, kChunk2);
  EXPECT_EQ(chunk_signature(key, kDate, scope, s2, ""), kChunkFinal);
}

TEST(AwsChunked, DecodesTheDocumentedBody) {
  SigV4Params p = doc_params();
  auto r = decode_aws_chunked(doc_body(), p, doc_key(), true);
  ASSERT_TRUE(r.ok()) << r.error().code << ": " << r.error().message;
  EXPECT_EQ(r.value(), std::string(66560, 'a'));
  auto full = decode_aws_chunked_body(doc_body(), p, doc_key(), true);
  ASSERT_TRUE(full.ok());
  EXPECT_TRUE(full->trailers.empty());
}

TEST(AwsChunked, EncoderReproducesTheDocumentedBody) {
  EXPECT_EQ(encode_aws_chunked_signed(std::string(66560, 'a'), 65536, doc_params(), doc_key()), doc_body());
}

void expect_error(const Result<std::string>& r, const std::string& code, const std::string& what) {
  ASSERT_FALSE(r.ok()) << what << " was accepted";
  EXPECT_EQ(r.error().code, code) << what;
}

TEST(AwsChunked, TamperedChunksAreRejected) {
  SigV4Params p = doc_params();
  SigningKey key = doc_key();
  const std::string body = doc_body();

  std::string data_changed = body;
  data_changed[data_changed.find("\r\n") + 2 + 100] = 'b';
  expect_error(decode_aws_chunked(data_changed, p, key, true), "SignatureDoesNotMatch", "a changed data byte");

  std::string second_changed = body;
  second_changed[second_changed.find("400;") + 100] = 'b';
  expect_error(decode_aws_chunked(second_changed, p, key, true), "SignatureDoesNotMatch", "a change in chunk 2");

  std::string sig_changed = body;
  std::size_t at = sig_changed.find(kChunk2);
  sig_changed[at] = sig_changed[at] == '0' ? '1' : '0';
  expect_error(decode_aws_chunked(sig_changed, p, key, true), "SignatureDoesNotMatch", "a changed chunk signature");

  std::string final_changed = body;
  at = final_changed.find(kChunkFinal);
  final_changed[at + 5] = final_changed[at + 5] == '0' ? '1' : '0';
  expect_error(decode_aws_chunked(final_changed, p, key, true), "SignatureDoesNotMatch", "a changed final signature");

  SigV4Params other_seed = p;
  other_seed.signature[0] = '5';
  expect_error(decode_aws_chunked(body, other_seed, key, true), "SignatureDoesNotMatch", "another seed");

  expect_error(decode_aws_chunked(body, p, derive_signing_key("x", "20130524", "us-east-1", "s3"), true),
               "SignatureDoesNotMatch", "another key");

  // Chunks in another order: the chain breaks.
  std::string c1 = "10000;chunk-signature=" + std::string(kChunk1) + "\r\n" + std::string(65536, 'a') + "\r\n";
  std::string c2 = "400;chunk-signature=" + std::string(kChunk2) + "\r\n" + std::string(1024, 'a') + "\r\n";
  std::string fin = "0;chunk-signature=" + std::string(kChunkFinal) + "\r\n\r\n";
  expect_error(decode_aws_chunked(c2 + c1 + fin, p, key, true), "SignatureDoesNotMatch", "reordered chunks");
  // A chunk dropped.
  expect_error(decode_aws_chunked(c1 + fin, p, key, true), "SignatureDoesNotMatch", "a dropped chunk");
  // No signature at all when one is required.
  expect_error(decode_aws_chunked("5\r\nhello\r\n0\r\n\r\n", p, key, true), "SignatureDoesNotMatch",
               "unsigned chunks");

  // Without verification the tampered body still decodes.
  auto loose = decode_aws_chunked(sig_changed, p, key, false);
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(loose.value(), std::string(66560, 'a'));
}

TEST(AwsChunked, MalformedBodies) {
  SigV4Params p = doc_params();
  SigningKey key = doc_key();
  const std::string body = doc_body();
  expect_error(decode_aws_chunked(body.substr(0, 1000), p, key, true), "IncompleteBody", "a truncated body");
  expect_error(decode_aws_chunked(body.substr(0, body.size() - 4), p, key, false), "IncompleteBody",
               "a body without its final chunk");
  expect_error(decode_aws_chunked("", p, key, false), "IncompleteBody", "an empty body");
  expect_error(decode_aws_chunked("zz\r\nhello\r\n0\r\n\r\n", p, key, false), "IncompleteBody", "a bad size");
  expect_error(decode_aws_chunked("5\r\nhelloXX0\r\n\r\n", p, key, false), "IncompleteBody", "a missing CRLF");
  expect_error(decode_aws_chunked("5\r\nhello\r\n0\r\n\r\ngarbage", p, key, false), "IncompleteBody",
               "data after the end");
  expect_error(decode_aws_chunked("ffffffffffffff\r\nhello\r\n0\r\n\r\n", p, key, false), "IncompleteBody",
               "a size larger than the body");
  auto r = decode_aws_chunked("5\r\nhello\r\n0\r\n\r\n", p, key, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "hello");
}

TEST(AwsChunked, SignedTrailer) {
  SigV4Params p = doc_params();
  SigningKey key = doc_key();
  std::string data(70000, 'z');
  std::vector<Header> trailers = {{"x-amz-checksum-crc32", "AAAAAA=="}};
  std::string body = encode_aws_chunked_signed(data, 65536, p, key, trailers);
  EXPECT_NE(body.find("\r\n0;chunk-signature="), std::string::npos);
  EXPECT_NE(body.find("\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:"), std::string::npos);
  auto r = decode_aws_chunked_body(body, p, key, true);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->data, data);
  ASSERT_EQ(r->trailers.size(), 1u);
  EXPECT_EQ(r->trailers[0].name, "x-amz-checksum-crc32");
  EXPECT_EQ(r->trailers[0].value, "AAAAAA==");

  // The trailer signature follows the format AWS documents.
  std::size_t zero = body.find("\r\n0;chunk-signature=") + 20;
  std::string last_sig = body.substr(zero, 64);
  std::string expected_trailer_sig =
      trailer_signature(key, kDate, p.credential_scope(), last_sig, "x-amz-checksum-crc32:AAAAAA==\n");
  EXPECT_NE(body.find("x-amz-trailer-signature:" + expected_trailer_sig + "\r\n\r\n"), std::string::npos);

  std::string changed = body;
  changed.replace(changed.find("AAAAAA=="), 8, "AAAAAB==");
  expect_error(decode_aws_chunked(changed, p, key, true), "SignatureDoesNotMatch", "a changed trailer");
  std::string unsigned_trailer = body;
  std::size_t ts = unsigned_trailer.find("x-amz-trailer-signature:");
  unsigned_trailer.erase(ts, unsigned_trailer.find("\r\n", ts) + 2 - ts);
  expect_error(decode_aws_chunked(unsigned_trailer, p, key, true), "SignatureDoesNotMatch",
               "a trailer without signature");
  EXPECT_TRUE(decode_aws_chunked(unsigned_trailer, p, key, false).ok());
}

TEST(AwsChunked, WhichBodiesAreSigned) {
  EXPECT_TRUE(streaming_payload_signed("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
  EXPECT_TRUE(streaming_payload_signed("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"));
  EXPECT_FALSE(streaming_payload_signed("STREAMING-UNSIGNED-PAYLOAD-TRAILER"));
  EXPECT_FALSE(streaming_payload_signed("UNSIGNED-PAYLOAD"));
}

TEST(AwsChunked, UnsignedPayloadTrailer) {
  SigV4Params p = doc_params();
  std::string data = "hello world, in three chunks";
  std::string body = encode_aws_chunked_unsigned(data, 10, {{"x-amz-checksum-crc32", "DUoRhQ=="}});
  EXPECT_EQ(body.substr(0, 13), "a\r\nhello worl");
  const std::string tail = "\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
  EXPECT_EQ(body.substr(body.size() - tail.size()), tail);
  auto r = decode_aws_chunked_body(body, p, doc_key(), false);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->data, data);
  ASSERT_EQ(r->trailers.size(), 1u);
  EXPECT_EQ(r->trailers[0].value, "DUoRhQ==");
  // Signature verification demands signatures, which unsigned bodies do not have.
  EXPECT_FALSE(decode_aws_chunked(body, p, doc_key(), true).ok());
  // An empty payload.
  auto e = decode_aws_chunked(encode_aws_chunked_unsigned("", 10), p, doc_key(), false);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.value(), "");
}

TEST(AwsChunked, SignedRoundTripThroughTheSigner) {
  // A client-side streaming upload: sign the headers with the streaming payload hash, then
  // chunk the body from the seed signature.
  HttpRequest r;
  r.method = "PUT";
  r.target = "/bucket/object";
  std::string data(200000, 'q');
  r.headers = {{"Host", "s3.amazonaws.com"},
               {"Content-Encoding", "aws-chunked"},
               {"x-amz-content-sha256", std::string(kStreamingSignedPayload)},
               {"x-amz-decoded-content-length", std::to_string(data.size())}};
  sign_request(r, {kKeyId, kSecret, ""}, "us-east-1", "s3", T(kDate), true);
  auto p = parse_auth(r, true);
  ASSERT_TRUE(p.ok());
  SigningKeyCache cache;
  SigningKey key = cache.get(p->access_key_id, kSecret, p->date, p->region, p->service);
  r.body = encode_aws_chunked_signed(data, 65536, *p, key);
  VerifyOptions opt;
  opt.now = T(kDate);
  opt.s3_style = true;
  opt.cache = &cache;
  ASSERT_TRUE(verify(r, *p, kSecret, opt).ok());
  auto d = decode_aws_chunked(r.body, *p, key, true);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d.value(), data);
}

}  // namespace
}  // namespace orgroot::auth
