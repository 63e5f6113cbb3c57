// The rest-xml codec on the real S3 model: routing (path-style and virtual-host), decoding S3
// requests, encoding S3 results and S3's error document.
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <boost/json.hpp>

#include "protocol/rest_xml.h"
#include "protocol/rest_xml_detail.h"

namespace orgroot::protocol {
namespace {

namespace json = boost::json;

constexpr const char* kS3Ns = "http://s3.amazonaws.com/doc/2006-03-01/";

const ServiceModel& s3() {
  static const ServiceModel model = [] {
    auto m = ServiceModel::load_file(std::string(ORGROOT_SOURCE_DIR) + "/data/models/s3.json");
    if (!m.ok()) {
      ADD_FAILURE() << m.error().message;
      return ServiceModel();
    }
    return std::move(m).value();
  }();
  return model;
}

const std::vector<std::string> kSuffixes = {"s3.amazonaws.com", "s3.*.amazonaws.com", "localhost"};

HttpRequest request(std::string method, std::string target, std::string host = "s3.amazonaws.com",
                    std::vector<Header> headers = {}, std::string body = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.headers.push_back({"Host", std::move(host)});
  r.body = std::move(body);
  return r;
}

struct Route {
  std::string method, target, host;
  std::vector<Header> headers;
  std::string op, bucket, key;
};

void PrintTo(const Route& r, std::ostream* os) { *os << r.method << " " << r.target << " (Host " << r.host << ")"; }

class RestXmlS3Routing : public ::testing::TestWithParam<Route> {};

TEST_P(RestXmlS3Routing, FindsOperation) {
  const Route& r = GetParam();
  auto m = match_rest_operation(s3(), request(r.method, r.target, r.host, r.headers), kSuffixes);
  ASSERT_TRUE(m.ok()) << m.error().code << ": " << m.error().message;
  EXPECT_EQ(m->op->name, r.op);
  EXPECT_EQ(m->bucket, r.bucket);
  EXPECT_EQ(m->key, r.key);
}

const std::vector<Header> kNone;
INSTANTIATE_TEST_SUITE_P(
    S3, RestXmlS3Routing,
    ::testing::Values(
        Route{"GET", "/", "s3.amazonaws.com", kNone, "ListBuckets", "", ""},
        Route{"GET", "/", "localhost:4566", kNone, "ListBuckets", "", ""},
        Route{"PUT", "/my-bucket", "s3.amazonaws.com", kNone, "CreateBucket", "my-bucket", ""},
        Route{"PUT", "/", "my-bucket.s3.us-east-1.amazonaws.com", kNone, "CreateBucket", "my-bucket", ""},
        Route{"HEAD", "/my-bucket", "s3.amazonaws.com", kNone, "HeadBucket", "my-bucket", ""},
        Route{"HEAD", "/", "my-bucket.s3.amazonaws.com", kNone, "HeadBucket", "my-bucket", ""},
        Route{"DELETE", "/my-bucket", "127.0.0.1:4566", kNone, "DeleteBucket", "my-bucket", ""},
        Route{"DELETE", "/", "my-bucket.localhost:4566", kNone, "DeleteBucket", "my-bucket", ""},
        Route{"PUT", "/my-bucket?policy", "s3.amazonaws.com", kNone, "PutBucketPolicy", "my-bucket", ""},
        Route{"GET", "/my-bucket?policy", "s3.amazonaws.com", kNone, "GetBucketPolicy", "my-bucket", ""},
        Route{"GET", "/?policy", "my-bucket.s3.eu-west-1.amazonaws.com", kNone, "GetBucketPolicy", "my-bucket", ""},
        Route{"DELETE", "/my-bucket?policy=", "s3.amazonaws.com", kNone, "DeleteBucketPolicy", "my-bucket", ""},
        Route{"PUT", "/my-bucket/dir/sub/file.txt", "s3.amazonaws.com", kNone, "PutObject", "my-bucket", "dir/sub/file.txt"},
        Route{"PUT", "/dir/sub/file.txt", "my-bucket.s3.amazonaws.com", kNone, "PutObject", "my-bucket", "dir/sub/file.txt"},
        Route{"GET", "/my-bucket/a%20b%2Bc%25d/%E2%82%AC+x.txt", "s3.amazonaws.com", kNone, "GetObject", "my-bucket",
              "a b+c%d/\xE2\x82\xAC+x.txt"},
        Route{"GET", "/a%2Fb", "my-bucket.localhost", kNone, "GetObject", "my-bucket", "a/b"},
        Route{"GET", "/my-bucket/a//b/", "s3.amazonaws.com", kNone, "GetObject", "my-bucket", "a//b/"},
        Route{"GET", "/dir/", "my.dotted.bucket.s3.amazonaws.com", kNone, "GetObject", "my.dotted.bucket", "dir/"},
        Route{"HEAD", "/my-bucket/x/y", "s3.amazonaws.com", kNone, "HeadObject", "my-bucket", "x/y"},
        Route{"DELETE", "/my-bucket/x/y", "s3.amazonaws.com", kNone, "DeleteObject", "my-bucket", "x/y"},
        Route{"DELETE", "/x/y", "my-bucket.s3.amazonaws.com", kNone, "DeleteObject", "my-bucket", "x/y"},
        Route{"GET", "/my-bucket?list-type=2&prefix=a%2F", "s3.amazonaws.com", kNone, "ListObjectsV2", "my-bucket", ""},
        Route{"GET", "/?list-type=2", "my.dotted.bucket.s3.amazonaws.com", kNone, "ListObjectsV2", "my.dotted.bucket", ""},
        Route{"GET", "/my-bucket?prefix=a", "s3.amazonaws.com", kNone, "ListObjects", "my-bucket", ""},
        Route{"GET", "/my-bucket/", "s3.amazonaws.com", kNone, "ListObjects", "my-bucket", ""},
        Route{"GET", "/", "my-bucket.s3.amazonaws.com", kNone, "ListObjects", "my-bucket", ""},
        Route{"GET", "/my-bucket?list-type=1", "s3.amazonaws.com", kNone, "ListObjects", "my-bucket", ""},
        Route{"PUT", "/b/k", "s3.amazonaws.com", {{"x-amz-copy-source", "src/k"}}, "CopyObject", "b", "k"},
        Route{"PUT", "/b/k?partNumber=1&uploadId=u", "s3.amazonaws.com", kNone, "UploadPart", "b", "k"},
        Route{"PUT", "/b/k?partNumber=1&uploadId=u", "s3.amazonaws.com", {{"x-amz-copy-source", "src/k"}},
              "UploadPartCopy", "b", "k"},
        Route{"GET", "/b/k?uploadId=u", "s3.amazonaws.com", kNone, "ListParts", "b", "k"},
        Route{"GET", "/b/k?partNumber=2", "s3.amazonaws.com", kNone, "GetObject", "b", "k"},
        Route{"POST", "/b/k?uploads", "s3.amazonaws.com", kNone, "CreateMultipartUpload", "b", "k"},
        Route{"POST", "/b/k?uploadId=u", "s3.amazonaws.com", kNone, "CompleteMultipartUpload", "b", "k"},
        Route{"DELETE", "/b/k?uploadId=u", "s3.amazonaws.com", kNone, "AbortMultipartUpload", "b", "k"},
        Route{"POST", "/b?delete", "s3.amazonaws.com", kNone, "DeleteObjects", "b", ""},
        Route{"GET", "/b?lifecycle", "s3.amazonaws.com", kNone, "GetBucketLifecycleConfiguration", "b", ""},
        Route{"GET", "/b?analytics", "s3.amazonaws.com", kNone, "ListBucketAnalyticsConfigurations", "b", ""},
        Route{"GET", "/b?analytics&id=a1", "s3.amazonaws.com", kNone, "GetBucketAnalyticsConfiguration", "b", ""},
        Route{"GET", "/b/k?tagging", "s3.amazonaws.com", kNone, "GetObjectTagging", "b", "k"},
        Route{"GET", "/b?tagging", "s3.amazonaws.com", kNone, "GetBucketTagging", "b", ""},
        Route{"GET", "/b?location", "s3.amazonaws.com", kNone, "GetBucketLocation", "b", ""}),
    [](const ::testing::TestParamInfo<Route>& info) { return std::to_string(info.index) + "_" + info.param.op; });

TEST(RestXmlS3, UnknownMethodIsMethodNotAllowed) {
  auto m = match_rest_operation(s3(), request("PATCH", "/b/k"), kSuffixes);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, "MethodNotAllowed");
  EXPECT_EQ(m.error().http_status, 405);
  HttpResponse resp = encode_rest_xml_error(s3(), m.error(), "RID", false);
  EXPECT_NE(resp.body.find("<Method>PATCH</Method>"), std::string::npos);
  EXPECT_NE(resp.body.find("<ResourceType>OBJECT</ResourceType>"), std::string::npos);
}

Result<DecodedRequest> decode(const HttpRequest& req) {
  auto m = match_rest_operation(s3(), req, kSuffixes);
  if (!m.ok()) return std::move(m).error();
  return decode_rest_xml(s3(), req, *m);
}

TEST(RestXmlS3, CreateBucketWithConfiguration) {
  auto req = request("PUT", "/", "new-bucket.s3.amazonaws.com", {{"x-amz-acl", "private"}},
                     "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                     "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>");
  auto d = decode(req);
  ASSERT_TRUE(d.ok()) << d.error().code;
  EXPECT_EQ(d->op->name, "CreateBucket");
  EXPECT_EQ(json::value(d->params),
            json::parse(R"({"Bucket":"new-bucket","ACL":"private",
                            "CreateBucketConfiguration":{"LocationConstraint":"eu-west-1"}})"));
  // No body: no configuration.
  auto plain = decode(request("PUT", "/new-bucket"));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(json::value(plain->params), json::parse(R"({"Bucket":"new-bucket"})"));
  // Broken XML.
  auto broken = decode(request("PUT", "/new-bucket", "s3.amazonaws.com", {}, "<CreateBucketConfiguration>"));
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, "MalformedXML");
}

TEST(RestXmlS3, PutObjectHeadersMetadataAndBody) {
  std::string bytes("\x00\x01\xff<not xml>", 12);
  auto req = request("PUT", "/b/photos/2024/cat%20%231.jpg", "s3.amazonaws.com",
                     {{"Content-Type", "image/jpeg"}, {"Content-Length", "12"}, {"x-amz-meta-Color", "grey"},
                      {"X-Amz-Meta-owner", "me"}, {"x-amz-tagging", "a=b"}, {"Expires", "Tue, 29 Apr 2014 18:30:38 GMT"}},
                     bytes);
  auto d = decode(req);
  ASSERT_TRUE(d.ok()) << d.error().code;
  EXPECT_EQ(d->op->name, "PutObject");
  const auto& p = d->params;
  EXPECT_EQ(p.at("Key"), "photos/2024/cat #1.jpg");
  EXPECT_EQ(std::string(p.at("Body").as_string()), bytes);
  EXPECT_EQ(p.at("ContentLength"), 12);
  EXPECT_EQ(p.at("ContentType"), "image/jpeg");
  EXPECT_EQ(json::value(p.at("Metadata")), json::parse(R"({"Color":"grey","owner":"me"})"));
  EXPECT_EQ(p.at("Tagging"), "a=b");
}

TEST(RestXmlS3, PutObjectAwsChunked) {
  std::string body = "5;chunk-signature=aa\r\nhello\r\n0;chunk-signature=bb\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n";
  auto req = request("PUT", "/b/k", "s3.amazonaws.com",
                     {{"Content-Encoding", "aws-chunked"}, {"Content-Length", std::to_string(body.size())},
                      {"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
                      {"x-amz-decoded-content-length", "5"}, {"x-amz-trailer", "x-amz-checksum-crc32"}},
                     body);
  auto d = decode(req);
  ASSERT_TRUE(d.ok()) << d.error().code;
  EXPECT_EQ(d->params.at("Body"), "hello");
  EXPECT_EQ(d->params.at("ContentLength"), 5);
  EXPECT_FALSE(d->params.contains("ContentEncoding"));
  EXPECT_EQ(d->params.at("ChecksumCRC32"), "NhCmhg==");

  // The pipeline may hand over the payload the authenticator already de-chunked.
  HttpRequest decoded = req;
  decoded.body = "hello";
  auto again = decode(decoded);
  ASSERT_TRUE(again.ok()) << again.error().code;
  EXPECT_EQ(again->params.at("Body"), "hello");
  EXPECT_EQ(again->params.at("ContentLength"), 5);
  EXPECT_FALSE(again->params.contains("ContentEncoding"));

  // A framed body that is cut short.
  HttpRequest cut = req;
  cut.body = "5;chunk-signature=aa\r\nhel";
  auto bad = decode(cut);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "InvalidRequest");
}

TEST(RestXmlS3, ListObjectsV2QueryAndBadValues) {
  auto d = decode(request("GET", "/b?list-type=2&prefix=photos%2F&max-keys=50&fetch-owner=true&delimiter=%2F"));
  ASSERT_TRUE(d.ok()) << d.error().code;
  EXPECT_EQ(json::value(d->params),
            json::parse(R"({"Bucket":"b","Prefix":"photos/","MaxKeys":50,"FetchOwner":true,"Delimiter":"/"})"));
  auto bad = decode(request("GET", "/b?list-type=2&max-keys=lots"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "InvalidArgument");
}

TEST(RestXmlS3, DeleteObjectsBodyAndRequiredMembers) {
  auto d = decode(request("POST", "/b?delete", "s3.amazonaws.com", {},
                          "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a</Key></Object>"
                          "<Object><Key>b/c</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>"));
  ASSERT_TRUE(d.ok()) << d.error().code;
  EXPECT_EQ(json::value(d->params.at("Delete")),
            json::parse(R"({"Objects":[{"Key":"a"},{"Key":"b/c","VersionId":"v1"}],"Quiet":true})"));
  auto missing_key = decode(request("POST", "/b?delete", "s3.amazonaws.com", {}, "<Delete><Object></Object></Delete>"));
  ASSERT_FALSE(missing_key.ok());
  EXPECT_EQ(missing_key.error().code, "MalformedXML");
  auto no_body = decode(request("POST", "/b?delete"));
  ASSERT_FALSE(no_body.ok());
  EXPECT_EQ(no_body.error().code, "MalformedXML");
  auto no_copy_source = decode_rest_xml(s3(), request("PUT", "/b/k"), RestMatch{s3().find_operation("CopyObject"), "b", "k", {}, false});
  ASSERT_FALSE(no_copy_source.ok());
  EXPECT_EQ(no_copy_source.error().code, "InvalidRequest");
  EXPECT_NE(no_copy_source.error().message.find("x-amz-copy-source"), std::string::npos);
}

TEST(RestXmlS3, PutBucketPolicyRawBody) {
  std::string policy = R"({"Version":"2012-10-17","Statement":[]})";
  auto d = decode(request("PUT", "/b?policy", "s3.amazonaws.com", {{"Content-Type", "application/json"}}, policy));
  ASSERT_TRUE(d.ok()) << d.error().code;
  EXPECT_EQ(std::string(d->params.at("Policy").as_string()), policy);
}

// ---- results ----

pugi::xml_node root_of(pugi::xml_document& doc, const std::string& body) {
  EXPECT_TRUE(doc.load_string(body.c_str())) << body;
  return doc.document_element();
}

TEST(RestXmlS3, GetBucketPolicyResultIsRawPolicy) {
  std::string policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]})";
  HttpResponse r = encode_rest_xml_result(s3(), *s3().find_operation("GetBucketPolicy"), json::value{{"Policy", policy}}, "RID1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, policy);
  ASSERT_NE(r.header("x-amz-request-id"), nullptr);
  EXPECT_EQ(*r.header("x-amz-request-id"), "RID1");
  ASSERT_NE(r.header("x-amz-id-2"), nullptr);
  EXPECT_FALSE(r.header("x-amz-id-2")->empty());
}

TEST(RestXmlS3, ListObjectsV2Result) {
  const Operation& op = *s3().find_operation("ListObjectsV2");
  json::value result = json::parse(R"({
    "Name":"b","Prefix":"photos/","KeyCount":2,"MaxKeys":1000,"IsTruncated":false,"Delimiter":"/",
    "Contents":[{"Key":"photos/a&b.jpg","LastModified":1255369830,"ETag":"\"abc\"","Size":10,"StorageClass":"STANDARD"},
                {"Key":"photos/c.jpg","LastModified":1255369830.5,"ETag":"\"def\"","Size":0,
                 "Owner":{"ID":"o1","DisplayName":"me"}}],
    "CommonPrefixes":[{"Prefix":"photos/2024/"}]})");
  HttpResponse r = encode_rest_xml_result(s3(), op, result, "RID");
  EXPECT_EQ(r.status, 200);
  ASSERT_NE(r.header("Content-Type"), nullptr);
  EXPECT_EQ(*r.header("Content-Type"), "application/xml");
  pugi::xml_document doc;
  pugi::xml_node root = root_of(doc, r.body);
  EXPECT_STREQ(root.name(), "ListBucketResult");
  EXPECT_STREQ(root.attribute("xmlns").value(), kS3Ns);
  EXPECT_STREQ(root.child("KeyCount").text().get(), "2");
  EXPECT_STREQ(root.child("IsTruncated").text().get(), "false");
  int contents = 0;
  for (auto c : root.children("Contents")) {
    (void)c;
    ++contents;
  }
  EXPECT_EQ(contents, 2);
  EXPECT_STREQ(root.child("Contents").child("Key").text().get(), "photos/a&b.jpg");
  EXPECT_STREQ(root.child("Contents").child("LastModified").text().get(), "2009-10-12T17:50:30.000Z");
  EXPECT_STREQ(root.child("Contents").next_sibling("Contents").child("LastModified").text().get(), "2009-10-12T17:50:30.500Z");
  EXPECT_STREQ(root.child("Contents").next_sibling("Contents").child("Owner").child("ID").text().get(), "o1");
  EXPECT_STREQ(root.child("CommonPrefixes").child("Prefix").text().get(), "photos/2024/");
  // Reading it back gives the result.
  rest_xml_detail::WireMessage msg;
  msg.is_request = false;
  msg.headers = &r.headers;
  msg.body = r.body;
  auto back = rest_xml_detail::read_message(*op.output, msg);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->at("Contents").as_array().size(), 2u);
  EXPECT_EQ(back->at("Contents").as_array()[1].at("LastModified"), 1255369830.5);
  EXPECT_EQ(back->at("Name"), "b");
}

TEST(RestXmlS3, ListBucketsAndAclAndLocation) {
  HttpResponse r = encode_rest_xml_result(
      s3(), *s3().find_operation("ListBuckets"),
      json::parse(R"({"Buckets":[{"Name":"b1","CreationDate":0}],"Owner":{"ID":"abc"}})"), "RID");
  pugi::xml_document doc;
  pugi::xml_node root = root_of(doc, r.body);
  EXPECT_STREQ(root.name(), "ListAllMyBucketsResult");
  EXPECT_STREQ(root.child("Buckets").child("Bucket").child("Name").text().get(), "b1");
  EXPECT_STREQ(root.child("Buckets").child("Bucket").child("CreationDate").text().get(), "1970-01-01T00:00:00.000Z");

  HttpResponse acl = encode_rest_xml_result(
      s3(), *s3().find_operation("GetBucketAcl"),
      json::parse(R"({"Owner":{"ID":"abc"},"Grants":[{"Grantee":{"ID":"abc","Type":"CanonicalUser"},"Permission":"FULL_CONTROL"}]})"),
      "RID");
  pugi::xml_document acl_doc;
  pugi::xml_node acl_root = root_of(acl_doc, acl.body);
  EXPECT_STREQ(acl_root.name(), "AccessControlPolicy");
  pugi::xml_node grantee = acl_root.child("AccessControlList").child("Grant").child("Grantee");
  EXPECT_STREQ(grantee.attribute("xsi:type").value(), "CanonicalUser");
  EXPECT_STREQ(grantee.attribute("xmlns:xsi").value(), "http://www.w3.org/2001/XMLSchema-instance");

  HttpResponse loc = encode_rest_xml_result(s3(), *s3().find_operation("GetBucketLocation"),
                                            json::parse(R"({"LocationConstraint":"eu-west-1"})"), "RID");
  pugi::xml_document loc_doc;
  pugi::xml_node loc_root = root_of(loc_doc, loc.body);
  EXPECT_STREQ(loc_root.name(), "LocationConstraint");
  EXPECT_STREQ(loc_root.text().get(), "eu-west-1");
}

TEST(RestXmlS3, HeadObjectHeadersAndDeleteStatus) {
  HttpResponse r = encode_rest_xml_result(
      s3(), *s3().find_operation("HeadObject"),
      json::parse(R"({"ContentLength":12,"ETag":"\"e\"","LastModified":1398796238,"ContentType":"image/jpeg",
                      "Metadata":{"color":"grey"}})"),
      "RID");
  EXPECT_TRUE(r.body.empty());
  ASSERT_NE(r.header("Last-Modified"), nullptr);
  EXPECT_EQ(*r.header("Last-Modified"), "Tue, 29 Apr 2014 18:30:38 GMT");
  EXPECT_EQ(*r.header("Content-Length"), "12");
  EXPECT_EQ(*r.header("ETag"), "\"e\"");
  ASSERT_NE(r.header("x-amz-meta-color"), nullptr);
  EXPECT_EQ(*r.header("x-amz-meta-color"), "grey");

  HttpResponse del = encode_rest_xml_result(s3(), *s3().find_operation("DeleteBucket"), json::object(), "RID");
  EXPECT_EQ(del.status, 204);
  EXPECT_TRUE(del.body.empty());
}

TEST(RestXmlS3, ErrorEnvelope) {
  HttpResponse r = encode_rest_xml_error(s3(), AwsError::NoSuchBucket("nope"), "RID9", false);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  pugi::xml_document doc;
  pugi::xml_node root = root_of(doc, r.body);
  EXPECT_STREQ(root.name(), "Error");
  EXPECT_STREQ(root.child("Code").text().get(), "NoSuchBucket");
  EXPECT_STREQ(root.child("Message").text().get(), "The specified bucket does not exist");
  EXPECT_STREQ(root.child("BucketName").text().get(), "nope");
  EXPECT_STREQ(root.child("RequestId").text().get(), "RID9");
  ASSERT_NE(r.header("x-amz-id-2"), nullptr);
  EXPECT_EQ(root.child("HostId").text().get(), *r.header("x-amz-id-2"));
  EXPECT_EQ(*r.header("x-amz-request-id"), "RID9");

  HttpResponse head = encode_rest_xml_error(s3(), AwsError::NoSuchKey("k"), "RID9", true);
  EXPECT_EQ(head.status, 404);
  EXPECT_TRUE(head.body.empty());
  EXPECT_NE(head.header("x-amz-request-id"), nullptr);

  HttpResponse escaped = encode_rest_xml_error(s3(), AwsError::InvalidArgument("a<b & \"c\""), "RID", false);
  pugi::xml_document esc_doc;
  EXPECT_STREQ(root_of(esc_doc, escaped.body).child("Message").text().get(), "a<b & \"c\"");
}

}  // namespace
}  // namespace orgroot::protocol
