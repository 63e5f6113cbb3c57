// Shape validation on a small model of our own: every constraint kind, collections, nesting.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "protocol/codec.h"

namespace orgroot::protocol {
namespace {

namespace json = boost::json;

ServiceModel test_model(const char* protocol) {
  std::string doc = std::string(R"({"metadata":{"protocol":")") + protocol + R"(","endpointPrefix":"t","apiVersion":"2020-01-01",
      "targetPrefix":"T","jsonVersion":"1.1"},
    "operations":{"Op":{"name":"Op","http":{"method":"POST","requestUri":"/"},"input":{"shape":"In"}}},
    "shapes":{
      "In":{"type":"structure","required":["Name"],"members":{
        "Name":{"shape":"Name"},"Count":{"shape":"Count"},"Ratio":{"shape":"Ratio"},"Mode":{"shape":"Mode"},
        "Secret":{"shape":"Secret"},"Items":{"shape":"Items"},"Labels":{"shape":"Labels"},"Rules":{"shape":"Rules"},
        "Data":{"shape":"Data"},"Nested":{"shape":"Nested"}}},
      "Name":{"type":"string","min":2,"max":8,"pattern":"[a-z]+"},
      "Count":{"type":"long","min":1,"max":9223372036854775807},
      "Ratio":{"type":"double","min":0,"max":1.5},
      "Mode":{"type":"string","enum":["ON","OFF"]},
      "Secret":{"type":"string","min":4,"sensitive":true},
      "Items":{"type":"list","member":{"shape":"Name"},"min":1,"max":3},
      "Labels":{"type":"map","key":{"shape":"Key"},"value":{"shape":"Mode"},"max":2},
      "Key":{"type":"string","max":3},
      "Rules":{"type":"map","key":{"shape":"Key"},"value":{"shape":"Nested"}},
      "Data":{"type":"blob","max":2},
      "Nested":{"type":"structure","required":["Id"],"members":{"Id":{"shape":"Name"},"Children":{"shape":"NestedList"}}},
      "NestedList":{"type":"list","member":{"shape":"Nested"}}}})";
  auto m = ServiceModel::from_json(json::parse(doc), "t");
  EXPECT_TRUE(m.ok());
  return std::move(m).value();
}

std::string check(const json::value& params) {
  static ServiceModel m = test_model("json");
  auto v = validate(m, *m.find_shape("In"), params);
  return v.empty() ? "" : format_violations(v);
}

TEST(ShapeValidation, ValidInputHasNoViolations) {
  EXPECT_EQ(check({{"Name", "abc"}, {"Count", 3}, {"Ratio", 0.5}, {"Mode", "ON"}, {"Items", {"ab", "cd"}},
                   {"Labels", {{"k", "OFF"}}}, {"Data", "\x01\x02"}, {"Nested", {{"Id", "xy"}}}}),
            "");
}

TEST(ShapeValidation, EveryConstraintKind) {
  EXPECT_EQ(check(json::object()),
            "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(check({{"Name", "a"}}),
            "1 validation error detected: Value 'a' at 'name' failed to satisfy constraint: Member must have length "
            "greater than or equal to 2");
  EXPECT_EQ(check({{"Name", "abcdefghi"}}),
            "1 validation error detected: Value 'abcdefghi' at 'name' failed to satisfy constraint: Member must have "
            "length less than or equal to 8");
  EXPECT_EQ(check({{"Name", "AB"}}),
            "1 validation error detected: Value 'AB' at 'name' failed to satisfy constraint: Member must satisfy "
            "regular expression pattern: [a-z]+");
  EXPECT_EQ(check({{"Name", "ab"}, {"Count", 0}}),
            "1 validation error detected: Value '0' at 'count' failed to satisfy constraint: Member must have value "
            "greater than or equal to 1");
  EXPECT_EQ(check({{"Name", "ab"}, {"Ratio", 2.0}}),
            "1 validation error detected: Value '2.0' at 'ratio' failed to satisfy constraint: Member must have value "
            "less than or equal to 1.5");
  EXPECT_EQ(check({{"Name", "ab"}, {"Mode", "on"}}),
            "1 validation error detected: Value 'on' at 'mode' failed to satisfy constraint: Member must satisfy enum "
            "value set: [ON, OFF]");
  EXPECT_EQ(check({{"Name", "ab"}, {"Data", "abc"}}),
            "1 validation error detected: Value 'abc' at 'data' failed to satisfy constraint: Member must have length "
            "less than or equal to 2");
}

TEST(ShapeValidation, SensitiveValuesAreWithheld) {
  EXPECT_EQ(check({{"Name", "ab"}, {"Secret", "abc"}}),
            "1 validation error detected: Value at 'secret' failed to satisfy constraint: Member must have length "
            "greater than or equal to 4");
}

TEST(ShapeValidation, LengthCountsUtf16UnitsLikeJava) {
  EXPECT_EQ(check({{"Name", "ab"}, {"Secret", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80"}}), "");  // 2 emoji = 4 units
}

TEST(ShapeValidation, CollectionsAndNesting) {
  EXPECT_EQ(check({{"Name", "ab"}, {"Items", json::array()}}),
            "1 validation error detected: Value '[]' at 'items' failed to satisfy constraint: Member must have length "
            "greater than or equal to 1");
  EXPECT_EQ(check({{"Name", "ab"}, {"Items", {"ok", "X"}}}),
            "1 validation error detected: Value '[ok, X]' at 'items' failed to satisfy constraint: Member must satisfy "
            "constraint: [Member must have length less than or equal to 8, Member must have length greater than or "
            "equal to 2, Member must satisfy regular expression pattern: [a-z]+]");
  EXPECT_EQ(check({{"Name", "ab"}, {"Labels", {{"long", "ON"}}}}),
            "1 validation error detected: Value '{long=ON}' at 'labels' failed to satisfy constraint: Map keys must "
            "satisfy constraint: [Member must have length less than or equal to 3]");
  EXPECT_EQ(check({{"Name", "ab"}, {"Labels", {{"k", "MAYBE"}}}}),
            "1 validation error detected: Value '{k=MAYBE}' at 'labels' failed to satisfy constraint: Map value must "
            "satisfy constraint: [Member must satisfy enum value set: [ON, OFF]]");
  EXPECT_EQ(check({{"Name", "ab"}, {"Nested", {{"Children", {{{"Id", "ok"}}, json::object()}}}}}),
            "2 validation errors detected: Value null at 'nested.id' failed to satisfy constraint: Member must not be "
            "null; Value null at 'nested.children.2.member.id' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(check({{"Name", "ab"}, {"Rules", {{"r1", {{"Id", "XY"}}}}}}),
            "1 validation error detected: Value 'XY' at 'rules.r1.member.id' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [a-z]+");
}

TEST(ShapeValidation, ManyViolationsKeepModelOrder) {
  EXPECT_EQ(check({{"Mode", "x"}, {"Count", -1}}),
            "3 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; "
            "Value '-1' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1; "
            "Value 'x' at 'mode' failed to satisfy constraint: Member must satisfy enum value set: [ON, OFF]");
}

TEST(ShapeValidation, LargeLimitsAreQuotedAsWritten) {
  EXPECT_EQ(check({{"Name", "ab"}, {"Count", 0}}).find("9223372036854775807"), std::string::npos);
  ServiceModel m = test_model("json");
  EXPECT_EQ(m.find_shape("Count")->max_text, "9223372036854775807");
}

TEST(ShapeValidation, ErrorCodePerProtocol) {
  std::vector<Violation> v = {{"name", "null", "Member must not be null"}};
  ServiceModel q = test_model("query");
  ServiceModel j = test_model("json");
  EXPECT_EQ(validation_error(q, v).code, "ValidationError");
  EXPECT_EQ(validation_error(j, v).code, "ValidationException");
  EXPECT_EQ(validation_error(j, v).http_status, 400);

  HttpRequest req;
  req.method = "POST";
  req.target = "/";
  req.headers.push_back({"X-Amz-Target", "T.Op"});
  req.body = R"({"Name":"Q"})";
  auto r = decode_json(j, req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ValidationException");
  HttpRequest form;
  form.method = "POST";
  form.target = "/";
  form.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  form.body = "Action=Op&Version=2020-01-01&Name=QQ";
  auto f = decode_query(q, form);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, "ValidationError");
  EXPECT_EQ(f.error().message,
            "1 validation error detected: Value 'QQ' at 'name' failed to satisfy constraint: Member must satisfy "
            "regular expression pattern: [a-z]+");
}

}  // namespace
}  // namespace orgroot::protocol
