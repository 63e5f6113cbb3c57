// S3's aws-chunked content encoding (SigV4 streaming uploads).
//
// Signed (x-amz-content-sha256 STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]):
//   <hex size>;chunk-signature=<64 hex>\r\n<data>\r\n ... 0;chunk-signature=<sig>\r\n
//   [<trailer>:<value>\r\n ... x-amz-trailer-signature:<sig>\r\n]\r\n
// Unsigned (STREAMING-UNSIGNED-PAYLOAD-TRAILER):
//   <hex size>\r\n<data>\r\n ... 0\r\n[<trailer>:<value>\r\n ...]\r\n
//
// Chunk n is signed over
//   "AWS4-HMAC-SHA256-PAYLOAD\n" amz_date "\n" scope "\n" signature(n-1) "\n" hex(sha256("")) "\n" hex(sha256(data))
// with signature(0) the request's (seed) signature; the trailer over
//   "AWS4-HMAC-SHA256-TRAILER\n" amz_date "\n" scope "\n" signature(last chunk) "\n" hex(sha256(trailers))
// where trailers is each trailing header as "name:value\n".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/sigv4.h"
#include "common/http_types.h"
#include "common/result.h"

namespace orgroot::auth {

struct ChunkedBody {
  std::string data;              // the decoded payload
  std::vector<Header> trailers;  // trailing headers (x-amz-checksum-*), without x-amz-trailer-signature
};

// As decode_aws_chunked (sigv4.h), also returning the trailing headers. With
// verify_chunk_signatures every chunk must carry a chunk-signature, and trailing headers (if any)
// an x-amz-trailer-signature. Errors: SignatureDoesNotMatch 403 (S3's wording) for a wrong or
// missing signature, IncompleteBody 400 for a body that is cut short or not aws-chunked.
// The caller checks x-amz-decoded-content-length against data.size() and any checksum trailer.
Result<ChunkedBody> decode_aws_chunked_body(std::string_view body, const SigV4Params& p, const SigningKey& key,
                                            bool verify_chunk_signatures);

// Signature of one chunk / of the trailer (lowercase hex).
std::string chunk_signature(const SigningKey& key, std::string_view amz_date, std::string_view scope,
                            std::string_view previous_signature, std::string_view chunk_data);
std::string trailer_signature(const SigningKey& key, std::string_view amz_date, std::string_view scope,
                              std::string_view previous_signature, std::string_view canonical_trailers);

// Client side / tests: encode `data` in chunks of chunk_size (the last may be shorter), signed
// from p.signature (the seed) with p's date and scope, with optional signed trailers.
std::string encode_aws_chunked_signed(std::string_view data, std::size_t chunk_size, const SigV4Params& p,
                                      const SigningKey& key, const std::vector<Header>& trailers = {});
// Unsigned chunks (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
std::string encode_aws_chunked_unsigned(std::string_view data, std::size_t chunk_size,
                                        const std::vector<Header>& trailers = {});

}  // namespace orgroot::auth
