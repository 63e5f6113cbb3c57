// The SDKs' shared protocol tests, used in reverse (we are the server):
//   input cases:  decode the `serialized` request; the params must equal the case's `params`.
//   output cases: encode the case's `result`, read our bytes back as a client would, and compare
//                 with `result`; the case's own `response` body read the same way must agree too.
//   error cases:  encode the error; code, message and status must be what a client would read.
// Vectors: ORGROOT_TESTDATA_DIR/botocore-protocols/{input,output}/{query,json,json_1_0,
// json_1_0-query-compatible}.json (see that directory's README).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "protocol/codec.h"
#include "protocol/codec_test_util.h"

namespace orgroot::protocol {
namespace {

namespace json = boost::json;
using testing::normalize;
using testing::same;

struct Case {
  std::string file;        // "query", "json", ...
  bool input = true;       // input/ or output/
  size_t suite = 0;        // index in the file
  size_t index = 0;        // index in the suite
  std::string name;        // gtest name
  std::string skip;        // reason, if skipped
};

// Cases we cannot support, with the reason. Keep this list short.
const std::map<std::string, std::string>& skip_list() {
  static const std::map<std::string, std::string> skips = {
      {"QueryProtocolIdempotencyTokenAutoFill",
       "the client fills in a random idempotency token; the server sees a token the case's params do not have"},
      {"QueryEmptyQueryMaps", "a client sends nothing for an empty map; absent and {} look the same on the wire"},
      {"SDKAppliedContentEncoding_awsQuery", "gzip request compression: the vector carries no body to decode"},
      {"SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsQuery",
       "gzip request compression: the vector carries no body to decode"},
      {"SDKAppliedContentEncoding_awsJson1_1", "gzip request compression: the vector carries no body to decode"},
      {"SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_1",
       "gzip request compression: the vector carries no body to decode"},
      {"SDKAppliedContentEncoding_awsJson1_0", "gzip request compression: the vector carries no body to decode"},
      {"SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_0",
       "gzip request compression: the vector carries no body to decode"},
      {"QueryComplexError", "AwsError extras are flat strings; a nested structure in an error is not expressible"},
      {"AwsJson11ComplexError", "AwsError extras are flat strings; a nested structure in an error is not expressible"},
      {"AwsJson10ComplexError", "AwsError extras are flat strings; a nested structure in an error is not expressible"},
  };
  return skips;
}

std::string vectors_path(const std::string& file, bool input) {
  return std::string(ORGROOT_TESTDATA_DIR) + "/botocore-protocols/" + (input ? "input/" : "output/") + file + ".json";
}

const json::value& vectors(const std::string& file, bool input) {
  static std::map<std::string, json::value> cache;
  std::string path = vectors_path(file, input);
  auto it = cache.find(path);
  if (it == cache.end()) it = cache.emplace(path, testing::read_json_file(path)).first;
  return it->second;
}

std::string sanitize(std::string s) {
  for (auto& c : s)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

std::vector<Case> all_cases() {
  std::vector<Case> out;
  std::set<std::string> names;
  for (std::string file : {"query", "json", "json_1_0", "json_1_0-query-compatible"}) {
    for (bool input : {true, false}) {
      const auto& suites = vectors(file, input).as_array();
      for (size_t s = 0; s < suites.size(); ++s) {
        const auto& cases = suites[s].at("cases").as_array();
        for (size_t c = 0; c < cases.size(); ++c) {
          Case k;
          k.file = file;
          k.input = input;
          k.suite = s;
          k.index = c;
          std::string id(cases[c].at("id").as_string());
          k.name = sanitize(file + (input ? "_in_" : "_out_") + id);
          while (!names.insert(k.name).second) k.name += "_";
          if (auto it = skip_list().find(id); it != skip_list().end()) k.skip = it->second;
          out.push_back(std::move(k));
        }
      }
    }
  }
  return out;
}

// The suite's tiny model plus the case's operation.
ServiceModel model_for(const json::value& suite, const json::value& c) {
  json::object doc;
  doc["metadata"] = suite.at("metadata");
  doc["shapes"] = suite.at("shapes");
  auto m = ServiceModel::from_json(doc, "vectors");
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  ServiceModel model = std::move(m).value();
  auto op = model.add_operation_json(c.at("given"));
  EXPECT_TRUE(op.ok()) << (op.ok() ? "" : op.error().message);
  return model;
}

void run_input(const ServiceModel& model, const json::value& c) {
  const auto& ser = c.at("serialized");
  HttpRequest req;
  req.method = std::string(ser.at("method").as_string());
  req.target = std::string(ser.at("uri").as_string());
  if (auto* h = ser.as_object().if_contains("headers"); h && h->is_object())
    for (const auto& kv : h->get_object()) req.headers.push_back({std::string(kv.key()), std::string(kv.value().as_string())});
  if (auto* b = ser.as_object().if_contains("body"); b && b->is_string()) req.body = std::string(b->get_string());
  const Operation* op = model.find_operation(c.at("given").at("name").as_string());
  ASSERT_NE(op, nullptr);
  if (model.is_json() && !req.header("X-Amz-Target"))  // a few endpoint cases omit the headers
    req.headers.push_back({"X-Amz-Target", model.target_prefix + "." + op->name});

  auto decoded = model.is_query() ? decode_query(model, req) : decode_json(model, req);
  ASSERT_TRUE(decoded.ok()) << decoded.error().code << ": " << decoded.error().message;
  EXPECT_EQ(decoded->op, op);
  json::value expected = op->input ? normalize(*op->input, c.at("params")) : json::value(json::object());
  std::string why;
  EXPECT_TRUE(same(json::value(decoded->params), expected, why)) << why << "\n  decoded: " << json::serialize(decoded->params)
                                                                 << "\n  expected: " << json::serialize(expected);
}

// Reads an error response as an SDK would: code, message, sender/receiver.
struct ReadError {
  std::string code, message, type;
};

ReadError read_error(const ServiceModel& model, const HttpResponse& resp) {
  ReadError e;
  if (model.is_query()) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_buffer(resp.body.data(), resp.body.size())) << resp.body;
    auto err = doc.child("ErrorResponse").child("Error");
    e.code = err.child("Code").text().get();
    e.message = err.child("Message").text().get();
    e.type = err.child("Type").text().get();
    return e;
  }
  json::value body = json::parse(resp.body);
  std::string type(body.at("__type").as_string());
  e.code = type.substr(type.find('#') == std::string::npos ? 0 : type.find('#') + 1);
  if (auto* q = resp.header("x-amzn-query-error")) {
    e.code = q->substr(0, q->find(';'));
    e.type = q->substr(q->find(';') + 1);
  }
  for (const char* k : {"message", "Message"})
    if (auto* m = body.as_object().if_contains(k)) e.message = std::string(m->as_string());
  return e;
}

void run_error(const ServiceModel& model, const json::value& c) {
  std::string code(c.at("errorCode").as_string());
  const auto& given = c.at("given");
  int status = static_cast<int>(c.at("response").at("status_code").to_number<int64_t>());
  // A handler raises the modeled error by its shape name (json) or its wire code (query).
  AwsError err;
  err.http_status = status;
  err.sender_fault = status < 500;
  err.code = code;
  if (auto* errs = given.as_object().if_contains("errors"); errs && model.is_json()) {
    for (const auto& e : errs->as_array()) {
      const Shape* s = model.find_shape(e.at("shape").as_string());
      if (s && (s->name == code || s->error.code == code)) err.code = s->name;
    }
  }
  const auto& fields = c.at("error").as_object();
  for (const auto& kv : fields) {
    if (kv.key() == "Message" || kv.key() == "message") err.message = std::string(kv.value().as_string());
    else if (kv.value().is_string()) err.extra.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
  }
  if (auto* m = c.as_object().if_contains("errorMessage"); m && err.message.empty()) err.message = std::string(m->as_string());

  HttpResponse resp = model.is_query() ? encode_query_error(model, err, "req-1") : encode_json_error(model, err, "req-1");
  EXPECT_EQ(resp.status, status);
  ASSERT_NE(resp.header("x-amzn-RequestId"), nullptr);
  EXPECT_EQ(*resp.header("x-amzn-RequestId"), "req-1");
  ReadError got = read_error(model, resp);
  EXPECT_EQ(got.code, code) << resp.body;
  if (auto* m = c.as_object().if_contains("errorMessage")) {
    EXPECT_EQ(got.message, m->as_string()) << resp.body;
  }
  if (!got.type.empty()) {
    EXPECT_EQ(got.type, status < 500 ? "Sender" : "Receiver");
  }
  if (model.is_query()) {
    pugi::xml_document doc;
    doc.load_buffer(resp.body.data(), resp.body.size());
    EXPECT_STREQ(doc.child("ErrorResponse").child("RequestId").text().get(), "req-1");
    for (const auto& [k, v] : err.extra)
      EXPECT_EQ(doc.child("ErrorResponse").child("Error").child(k.c_str()).text().get(), v);
  } else {
    json::value body = json::parse(resp.body);
    for (const auto& [k, v] : err.extra) EXPECT_EQ(body.at(k).as_string(), v);
  }
}

void run_output(const ServiceModel& model, const json::value& c) {
  if (c.as_object().contains("errorCode")) return run_error(model, c);
  const Operation* op = model.find_operation(c.at("given").at("name").as_string());
  ASSERT_NE(op, nullptr);
  json::value expected = op->output ? normalize(*op->output, c.at("result")) : json::value(json::object());

  HttpResponse resp = model.is_query() ? encode_query_result(model, *op, c.at("result"), "req-42")
                                       : encode_json_result(model, *op, c.at("result"), "req-42");
  EXPECT_EQ(resp.status, 200);
  ASSERT_NE(resp.header("x-amzn-RequestId"), nullptr);
  EXPECT_EQ(*resp.header("x-amzn-RequestId"), "req-42");
  json::value ours;
  if (model.is_query()) {
    std::string rid;
    ours = testing::parse_query_result(*op, resp.body, &rid);
    EXPECT_EQ(rid, op->output ? "req-42" : rid);
    EXPECT_EQ(*resp.header("Content-Type"), "text/xml");
  } else {
    ours = testing::parse_json_result(*op, resp.body);
    EXPECT_EQ(*resp.header("Content-Type"), "application/x-amz-json-" + model.json_version);
  }
  std::string why;
  EXPECT_TRUE(same(ours, expected, why)) << why << "\n  body: " << resp.body << "\n  expected: " << json::serialize(expected);

  // Our reader must read AWS's own rendering of the same result identically.
  const auto& r = c.at("response").as_object();
  if (auto* b = r.if_contains("body"); b && b->is_string() && !b->as_string().empty()) {
    std::string theirs_body(b->as_string());
    json::value theirs = model.is_query() ? testing::parse_query_result(*op, theirs_body)
                                          : testing::parse_json_result(*op, theirs_body);
    EXPECT_TRUE(same(theirs, expected, why)) << "reader check: " << why;
  }
}

class ProtocolVector : public ::testing::TestWithParam<Case> {};

TEST_P(ProtocolVector, Case) {
  const Case& k = GetParam();
  if (!k.skip.empty()) GTEST_SKIP() << k.skip;
  const auto& suite = vectors(k.file, k.input).as_array()[k.suite];
  const auto& c = suite.at("cases").as_array()[k.index];
  ServiceModel model = model_for(suite, c);
  if (k.input) run_input(model, c);
  else run_output(model, c);
}

INSTANTIATE_TEST_SUITE_P(Botocore, ProtocolVector, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(ProtocolVectors, SkipListIsShortAndUsed) {
  auto cases = all_cases();
  size_t skipped = 0;
  for (const auto& c : cases) skipped += !c.skip.empty();
  EXPECT_EQ(skipped, skip_list().size()) << "a skip-list entry names no case";
  EXPECT_LE(skipped * 20, cases.size()) << "more than 5% of the vectors are skipped";
  EXPECT_GE(cases.size(), 200u);
}

}  // namespace
}  // namespace orgroot::protocol
