#include "services/iam/iam_service.h"

#include <gtest/gtest.h>

#include "services/iam/iam_test_util.h"

namespace orgroot::services::iam {
namespace {

using namespace testing;
using boost::json::object;
using boost::json::array;

class IamServiceTest : public IamFixture {};

// ---- users ----

TEST_F(IamServiceTest, CreateGetListUpdateDeleteUser) {
  auto created = ok("CreateUser", {{"UserName", "alice"}, {"Path", "/eng/"}});
  const auto& u = created["User"].as_object();
  EXPECT_EQ(str(u.at("Arn")), "arn:aws:iam::111111111111:user/eng/alice");
  EXPECT_EQ(str(u.at("UserId")).substr(0, 4), "AIDA");
  EXPECT_EQ(str(u.at("Path")), "/eng/");

  auto dup = err("CreateUser", {{"UserName", "ALICE"}});
  EXPECT_EQ(dup.code, "EntityAlreadyExists");
  EXPECT_EQ(dup.message, "User with name ALICE already exists.");
  EXPECT_EQ(dup.http_status, 409);

  auto got = ok("GetUser", {{"UserName", "alice"}});
  EXPECT_EQ(str(got["User"].at("UserName")), "alice");
  auto missing = err("GetUser", {{"UserName", "nobody"}});
  EXPECT_EQ(missing.code, "NoSuchEntity");
  EXPECT_EQ(missing.message, "The user with name nobody cannot be found.");
  EXPECT_EQ(missing.http_status, 404);

  auto list = ok("ListUsers", {{"PathPrefix", "/eng/"}});
  ASSERT_EQ(list["Users"].as_array().size(), 1u);
  EXPECT_FALSE(list["IsTruncated"].as_bool());
  EXPECT_EQ(ok("ListUsers")["Users"].as_array().size(), 2u);  // admin too

  ok("UpdateUser", {{"UserName", "alice"}, {"NewUserName", "alice2"}, {"NewPath", "/ops/"}});
  EXPECT_EQ(err("GetUser", {{"UserName", "alice"}}).code, "NoSuchEntity");
  EXPECT_EQ(str(ok("GetUser", {{"UserName", "alice2"}})["User"].at("Arn")), "arn:aws:iam::111111111111:user/ops/alice2");
  EXPECT_EQ(err("UpdateUser", {{"UserName", "alice2"}, {"NewUserName", "admin"}}).code, "EntityAlreadyExists");

  ok("DeleteUser", {{"UserName", "alice2"}});
  EXPECT_EQ(err("DeleteUser", {{"UserName", "alice2"}}).code, "NoSuchEntity");
}

TEST_F(IamServiceTest, GetUserWithoutNameIsTheCaller) {
  auto me = ok("GetUser");
  EXPECT_EQ(str(me["User"].at("UserName")), "admin");

  auto root = call_as(iam, root_principal(kAccount), "GetUser", {});
  ASSERT_TRUE(root.ok());
  const auto& u = root->at("User").as_object();
  EXPECT_EQ(str(u.at("UserId")), kAccount);
  EXPECT_EQ(str(u.at("Arn")), "arn:aws:iam::111111111111:root");
  EXPECT_FALSE(u.contains("UserName"));
  EXPECT_FALSE(u.contains("Path"));

  auth::Principal role;
  role.type = auth::PrincipalType::AssumedRole;
  role.account_id = kAccount;
  auto r = call_as(iam, role, "GetUser", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ValidationError");
}

TEST_F(IamServiceTest, ListUsersPaginates) {
  for (int i = 0; i < 5; ++i) ok("CreateUser", {{"UserName", "u" + std::to_string(i)}});
  std::vector<std::string> names;
  object params{{"MaxItems", 2}};
  int pages = 0;
  while (true) {
    auto page = ok("ListUsers", params);
    ++pages;
    for (const auto& u : page["Users"].as_array()) names.push_back(str(u.at("UserName")));
    if (!page["IsTruncated"].as_bool()) {
      EXPECT_FALSE(page.contains("Marker"));
      break;
    }
    params["Marker"] = page["Marker"];
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(names, (std::vector<std::string>{"admin", "u0", "u1", "u2", "u3", "u4"}));
}

TEST_F(IamServiceTest, DeleteUserConflicts) {
  ok("CreateUser", {{"UserName", "bob"}});
  identity.put_access_key({"AKIAEXAMPLEEXAMPLE01", "s", kAccount, "bob", "Active", 1});
  auto e = err("DeleteUser", {{"UserName", "bob"}});
  EXPECT_EQ(e.code, "DeleteConflict");
  EXPECT_EQ(e.http_status, 409);
  identity.delete_access_key("AKIAEXAMPLEEXAMPLE01");
  EXPECT_FALSE(identity.get_access_key("AKIAEXAMPLEEXAMPLE01"));

  ok("PutUserPolicy", {{"UserName", "bob"}, {"PolicyName", "p"}, {"PolicyDocument", kAllowS3}});
  EXPECT_EQ(err("DeleteUser", {{"UserName", "bob"}}).message, "Cannot delete entity, must delete policies first.");
  ok("DeleteUserPolicy", {{"UserName", "bob"}, {"PolicyName", "p"}});

  ok("AttachUserPolicy", {{"UserName", "bob"}, {"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}});
  EXPECT_EQ(err("DeleteUser", {{"UserName", "bob"}}).message, "Cannot delete entity, must detach all policies first.");
  ok("DetachUserPolicy", {{"UserName", "bob"}, {"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}});

  ok("CreateGroup", {{"GroupName", "g"}});
  ok("AddUserToGroup", {{"GroupName", "g"}, {"UserName", "bob"}});
  EXPECT_EQ(err("DeleteUser", {{"UserName", "bob"}}).code, "DeleteConflict");
  ok("RemoveUserFromGroup", {{"GroupName", "g"}, {"UserName", "bob"}});

  iam.add_user_delete_check([](const std::string&, const std::string& u) -> std::optional<std::string> {
    if (u == "bob") return "Cannot delete entity, must delete login profile first.";
    return std::nullopt;
  });
  EXPECT_EQ(err("DeleteUser", {{"UserName", "bob"}}).message, "Cannot delete entity, must delete login profile first.");
}

TEST_F(IamServiceTest, UserTags) {
  ok("CreateUser", {{"UserName", "t"}, {"Tags", array{object{{"Key", "team"}, {"Value", "a"}}}}});
  ok("TagUser", {{"UserName", "t"}, {"Tags", array{object{{"Key", "env"}, {"Value", "prod"}}, object{{"Key", "team"}, {"Value", "b"}}}}});
  auto tags = ok("ListUserTags", {{"UserName", "t"}})["Tags"].as_array();
  ASSERT_EQ(tags.size(), 2u);
  ok("UntagUser", {{"UserName", "t"}, {"TagKeys", array{"env"}}});
  tags = ok("ListUserTags", {{"UserName", "t"}})["Tags"].as_array();
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(str(tags[0].at("Value")), "b");
  EXPECT_EQ(ok("GetUser", {{"UserName", "t"}})["User"].at("Tags").as_array().size(), 1u);
  EXPECT_EQ(err("TagUser", {{"UserName", "t"}, {"Tags", array{object{{"Key", "a"}, {"Value", "1"}}, object{{"Key", "A"}, {"Value", "2"}}}}}).code,
            "InvalidInput");
  EXPECT_EQ(err("ListUserTags", {{"UserName", "zz"}}).code, "NoSuchEntity");
}

// ---- groups ----

TEST_F(IamServiceTest, Groups) {
  auto g = ok("CreateGroup", {{"GroupName", "devs"}, {"Path", "/x/"}});
  EXPECT_EQ(str(g["Group"].at("GroupId")).substr(0, 4), "AGPA");
  EXPECT_EQ(str(g["Group"].at("Arn")), "arn:aws:iam::111111111111:group/x/devs");
  EXPECT_EQ(err("CreateGroup", {{"GroupName", "devs"}}).message, "Group with name devs already exists.");
  ok("CreateUser", {{"UserName", "carol"}});
  ok("AddUserToGroup", {{"GroupName", "devs"}, {"UserName", "carol"}});
  ok("AddUserToGroup", {{"GroupName", "devs"}, {"UserName", "carol"}});  // idempotent
  EXPECT_EQ(err("AddUserToGroup", {{"GroupName", "devs"}, {"UserName", "nobody"}}).code, "NoSuchEntity");
  EXPECT_EQ(err("AddUserToGroup", {{"GroupName", "nogroup"}, {"UserName", "carol"}}).message,
            "The group with name nogroup cannot be found.");
  auto got = ok("GetGroup", {{"GroupName", "devs"}});
  ASSERT_EQ(got["Users"].as_array().size(), 1u);
  EXPECT_EQ(str(got["Users"].as_array()[0].at("UserName")), "carol");
  EXPECT_EQ(ok("ListGroupsForUser", {{"UserName", "carol"}})["Groups"].as_array().size(), 1u);
  EXPECT_EQ(ok("ListGroups", {{"PathPrefix", "/x/"}})["Groups"].as_array().size(), 1u);
  EXPECT_EQ(ok("ListGroups", {{"PathPrefix", "/y/"}})["Groups"].as_array().size(), 0u);

  auto conflict = err("DeleteGroup", {{"GroupName", "devs"}});
  EXPECT_EQ(conflict.code, "DeleteConflict");
  EXPECT_EQ(conflict.message, "Cannot delete entity, must remove users from group first.");
  ok("RemoveUserFromGroup", {{"GroupName", "devs"}, {"UserName", "carol"}});
  EXPECT_EQ(err("RemoveUserFromGroup", {{"GroupName", "devs"}, {"UserName", "carol"}}).code, "NoSuchEntity");

  ok("UpdateGroup", {{"GroupName", "devs"}, {"NewGroupName", "devs2"}});
  EXPECT_EQ(str(ok("GetGroup", {{"GroupName", "devs2"}})["Group"].at("Arn")), "arn:aws:iam::111111111111:group/x/devs2");
  ok("PutGroupPolicy", {{"GroupName", "devs2"}, {"PolicyName", "gp"}, {"PolicyDocument", kAllowS3}});
  EXPECT_EQ(err("DeleteGroup", {{"GroupName", "devs2"}}).message, "Cannot delete entity, must delete policies first.");
  ok("DeleteGroupPolicy", {{"GroupName", "devs2"}, {"PolicyName", "gp"}});
  ok("DeleteGroup", {{"GroupName", "devs2"}});
  EXPECT_EQ(err("GetGroup", {{"GroupName", "devs2"}}).code, "NoSuchEntity");
}

// ---- roles ----

TEST_F(IamServiceTest, Roles) {
  std::string trust = trust_for("arn:aws:iam::111111111111:root");
  auto created = ok("CreateRole", {{"RoleName", "r1"}, {"Path", "/svc/"}, {"AssumeRolePolicyDocument", trust},
                                   {"Description", "d"}, {"MaxSessionDuration", 7200}});
  const auto& r = created["Role"].as_object();
  EXPECT_EQ(str(r.at("Arn")), "arn:aws:iam::111111111111:role/svc/r1");
  EXPECT_EQ(str(r.at("RoleId")).substr(0, 4), "AROA");
  EXPECT_EQ(url_decode(str(r.at("AssumeRolePolicyDocument"))), trust);
  EXPECT_FALSE(r.contains("MaxSessionDuration"));

  EXPECT_EQ(err("CreateRole", {{"RoleName", "r1"}, {"AssumeRolePolicyDocument", trust}}).message,
            "Role with name r1 already exists.");
  auto bad = err("CreateRole", {{"RoleName", "r2"}, {"AssumeRolePolicyDocument", "{not json"}});
  EXPECT_EQ(bad.code, "MalformedPolicyDocument");
  auto with_resource = err("CreateRole", {{"RoleName", "r2"}, {"AssumeRolePolicyDocument", kAllowAll}});
  EXPECT_EQ(with_resource.code, "MalformedPolicyDocument");

  auto got = ok("GetRole", {{"RoleName", "r1"}})["Role"].as_object();
  EXPECT_EQ(got.at("MaxSessionDuration").as_int64(), 7200);
  EXPECT_TRUE(got.at("RoleLastUsed").as_object().empty());
  EXPECT_EQ(str(got.at("Description")), "d");
  EXPECT_EQ(err("GetRole", {{"RoleName", "nope"}}).message, "The role with name nope cannot be found.");

  ok("UpdateRole", {{"RoleName", "r1"}, {"MaxSessionDuration", 3600}});
  auto described = ok("UpdateRoleDescription", {{"RoleName", "r1"}, {"Description", "new"}});
  EXPECT_EQ(str(described["Role"].at("Description")), "new");
  EXPECT_EQ(ok("GetRole", {{"RoleName", "r1"}})["Role"].at("MaxSessionDuration").as_int64(), 3600);

  std::string trust2 = trust_for("arn:aws:iam::222222222222:root");
  ok("UpdateAssumeRolePolicy", {{"RoleName", "r1"}, {"PolicyDocument", trust2}});
  EXPECT_EQ(url_decode(str(ok("GetRole", {{"RoleName", "r1"}})["Role"].at("AssumeRolePolicyDocument"))), trust2);
  EXPECT_EQ(err("UpdateAssumeRolePolicy", {{"RoleName", "r1"}, {"PolicyDocument", "[]"}}).code, "MalformedPolicyDocument");

  ok("TagRole", {{"RoleName", "r1"}, {"Tags", array{object{{"Key", "k"}, {"Value", "v"}}}}});
  EXPECT_EQ(ok("ListRoleTags", {{"RoleName", "r1"}})["Tags"].as_array().size(), 1u);
  ok("UntagRole", {{"RoleName", "r1"}, {"TagKeys", array{"k"}}});
  EXPECT_EQ(ok("ListRoleTags", {{"RoleName", "r1"}})["Tags"].as_array().size(), 0u);

  EXPECT_EQ(ok("ListRoles", {{"PathPrefix", "/svc/"}})["Roles"].as_array().size(), 1u);
  ok("AttachRolePolicy", {{"RoleName", "r1"}, {"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}});
  EXPECT_EQ(err("DeleteRole", {{"RoleName", "r1"}}).message, "Cannot delete entity, must detach all policies first.");
  ok("DetachRolePolicy", {{"RoleName", "r1"}, {"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}});
  ok("PutRolePolicy", {{"RoleName", "r1"}, {"PolicyName", "inl"}, {"PolicyDocument", kAllowS3}});
  EXPECT_EQ(err("DeleteRole", {{"RoleName", "r1"}}).message, "Cannot delete entity, must delete policies first.");
  ok("DeleteRolePolicy", {{"RoleName", "r1"}, {"PolicyName", "inl"}});
  ok("DeleteRole", {{"RoleName", "r1"}});
  EXPECT_EQ(ok("ListRoles")["Roles"].as_array().size(), 0u);
}

// ---- managed policies ----

TEST_F(IamServiceTest, ManagedPolicyLifecycle) {
  auto created = ok("CreatePolicy", {{"PolicyName", "p1"}, {"PolicyDocument", kAllowS3}, {"Description", "desc"}});
  const auto& p = created["Policy"].as_object();
  std::string arn = str(p.at("Arn"));
  EXPECT_EQ(arn, "arn:aws:iam::111111111111:policy/p1");
  EXPECT_EQ(str(p.at("DefaultVersionId")), "v1");
  EXPECT_EQ(p.at("AttachmentCount").as_int64(), 0);
  EXPECT_EQ(str(p.at("PolicyId")).substr(0, 4), "ANPA");
  EXPECT_EQ(err("CreatePolicy", {{"PolicyName", "p1"}, {"PolicyDocument", kAllowS3}}).message,
            "A policy called p1 already exists. Duplicate names are not allowed.");
  EXPECT_EQ(err("CreatePolicy", {{"PolicyName", "bad"}, {"PolicyDocument", R"({"Statement":[]})"}}).code,
            "MalformedPolicyDocument");

  for (int i = 2; i <= 5; ++i) {
    auto v = ok("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", kAllowAll}, {"SetAsDefault", i == 3}});
    EXPECT_EQ(str(v["PolicyVersion"].at("VersionId")), "v" + std::to_string(i));
  }
  auto limit = err("CreatePolicyVersion", {{"PolicyArn", arn}, {"PolicyDocument", kAllowAll}});
  EXPECT_EQ(limit.code, "LimitExceeded");
  EXPECT_EQ(limit.message,
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing "
            "version.");
  EXPECT_EQ(str(ok("GetPolicy", {{"PolicyArn", arn}})["Policy"].at("DefaultVersionId")), "v3");
  auto versions = ok("ListPolicyVersions", {{"PolicyArn", arn}})["Versions"].as_array();
  ASSERT_EQ(versions.size(), 5u);
  EXPECT_EQ(str(versions[0].at("VersionId")), "v5");

  auto v1 = ok("GetPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v1"}})["PolicyVersion"].as_object();
  EXPECT_EQ(url_decode(str(v1.at("Document"))), kAllowS3);
  EXPECT_NE(str(v1.at("Document")).find("%22"), std::string::npos);
  EXPECT_FALSE(v1.at("IsDefaultVersion").as_bool());
  EXPECT_EQ(err("GetPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v9"}}).code, "NoSuchEntity");

  EXPECT_EQ(err("DeletePolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v3"}}).message,
            "Cannot delete the default version of a policy.");
  ok("SetDefaultPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v1"}});
  EXPECT_EQ(err("SetDefaultPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v8"}}).code, "NoSuchEntity");
  EXPECT_EQ(err("DeletePolicy", {{"PolicyArn", arn}}).code, "DeleteConflict");  // versions left
  for (int i = 2; i <= 5; ++i) ok("DeletePolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v" + std::to_string(i)}});

  ok("AttachUserPolicy", {{"UserName", "admin"}, {"PolicyArn", arn}});
  EXPECT_EQ(ok("GetPolicy", {{"PolicyArn", arn}})["Policy"].at("AttachmentCount").as_int64(), 1);
  auto conflict = err("DeletePolicy", {{"PolicyArn", arn}});
  EXPECT_EQ(conflict.code, "DeleteConflict");
  EXPECT_EQ(conflict.message, "Cannot delete a policy attached to entities.");
  ok("DetachUserPolicy", {{"UserName", "admin"}, {"PolicyArn", arn}});
  ok("DeletePolicy", {{"PolicyArn", arn}});
  auto gone = err("GetPolicy", {{"PolicyArn", arn}});
  EXPECT_EQ(gone.message, "Policy arn:aws:iam::111111111111:policy/p1 was not found.");
  EXPECT_EQ(err("DeletePolicy", {{"PolicyArn", arn}}).code, "NoSuchEntity");
  EXPECT_EQ(err("GetPolicy", {{"PolicyArn", "p1"}}).message, "Invalid ARN:  Could not be parsed!");
}

TEST_F(IamServiceTest, AwsManagedPolicies) {
  auto admin_policy = ok("GetPolicy", {{"PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"}})["Policy"].as_object();
  EXPECT_EQ(str(admin_policy.at("PolicyName")), "AdministratorAccess");
  EXPECT_EQ(admin_policy.at("AttachmentCount").as_int64(), 1);  // the fixture's admin

  auto rt = ok("GetPolicy", {{"PolicyArn", "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"}})["Policy"].as_object();
  EXPECT_EQ(str(rt.at("Path")), "/root-task/");
  EXPECT_EQ(str(rt.at("PolicyId")), "ANPAZKAPJZG4OALTIPZOF");
  EXPECT_EQ(str(rt.at("DefaultVersionId")), "v1");
  auto doc = ok("GetPolicyVersion", {{"PolicyArn", "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"},
                                     {"VersionId", "v1"}})["PolicyVersion"].as_object();
  auto parsed = boost::json::parse(url_decode(str(doc.at("Document"))));
  EXPECT_EQ(parsed.at("Statement").as_array().size(), 2u);
  EXPECT_EQ(str(parsed.at("Statement").as_array()[1].at("Condition").at("StringNotLike").at("aws:PrincipalArn")),
            "arn:aws:iam::*:root");

  auto aws = ok("ListPolicies", {{"Scope", "AWS"}, {"PathPrefix", "/root-task/"}})["Policies"].as_array();
  EXPECT_EQ(aws.size(), 5u);
  ok("CreatePolicy", {{"PolicyName", "mine"}, {"PolicyDocument", kAllowS3}});
  EXPECT_EQ(ok("ListPolicies", {{"Scope", "Local"}})["Policies"].as_array().size(), 1u);
  EXPECT_EQ(ok("ListPolicies")["Policies"].as_array().size(), 15u);
  auto attached = ok("ListPolicies", {{"OnlyAttached", true}})["Policies"].as_array();
  ASSERT_EQ(attached.size(), 1u);
  EXPECT_EQ(str(attached[0].at("PolicyName")), "AdministratorAccess");

  // root-task policies cannot be attached
  EXPECT_EQ(err("AttachUserPolicy", {{"UserName", "admin"}, {"PolicyArn", "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"}}).code,
            "NoSuchEntity");
  auto bad = err("AttachUserPolicy", {{"UserName", "admin"}, {"PolicyArn", "arn:aws:iam::111111111111:policy/nope"}});
  EXPECT_EQ(bad.message, "Policy arn:aws:iam::111111111111:policy/nope does not exist or is not attachable.");
}

TEST_F(IamServiceTest, ListPoliciesPaginates) {
  std::vector<std::string> names;
  object params{{"MaxItems", 4}};
  while (true) {
    auto page = ok("ListPolicies", params);
    for (const auto& p : page["Policies"].as_array()) names.push_back(str(p.at("PolicyName")));
    if (!page["IsTruncated"].as_bool()) break;
    params["Marker"] = page["Marker"];
  }
  EXPECT_EQ(names.size(), 14u);
}

TEST_F(IamServiceTest, AttachmentsAndEntities) {
  ok("CreateUser", {{"UserName", "u"}});
  ok("CreateGroup", {{"GroupName", "g"}});
  ok("CreateRole", {{"RoleName", "r"}, {"AssumeRolePolicyDocument", trust_for("111111111111")}});
  std::string arn = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";
  ok("AttachUserPolicy", {{"UserName", "u"}, {"PolicyArn", arn}});
  ok("AttachGroupPolicy", {{"GroupName", "g"}, {"PolicyArn", arn}});
  ok("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arn}});
  for (auto [op, key, name] : {std::tuple{"ListAttachedUserPolicies", "UserName", "u"},
                               std::tuple{"ListAttachedGroupPolicies", "GroupName", "g"},
                               std::tuple{"ListAttachedRolePolicies", "RoleName", "r"}}) {
    auto l = ok(op, {{key, name}})["AttachedPolicies"].as_array();
    ASSERT_EQ(l.size(), 1u) << op;
    EXPECT_EQ(str(l[0].at("PolicyArn")), arn);
    EXPECT_EQ(str(l[0].at("PolicyName")), "IAMReadOnlyAccess");
  }
  auto ents = ok("ListEntitiesForPolicy", {{"PolicyArn", arn}});
  EXPECT_EQ(ents["PolicyUsers"].as_array().size(), 1u);
  EXPECT_EQ(ents["PolicyGroups"].as_array().size(), 1u);
  EXPECT_EQ(ents["PolicyRoles"].as_array().size(), 1u);
  auto only_roles = ok("ListEntitiesForPolicy", {{"PolicyArn", arn}, {"EntityFilter", "Role"}});
  EXPECT_EQ(only_roles["PolicyUsers"].as_array().size(), 0u);
  EXPECT_EQ(only_roles["PolicyRoles"].as_array().size(), 1u);
  auto paged = ok("ListEntitiesForPolicy", {{"PolicyArn", arn}, {"MaxItems", 2}});
  EXPECT_TRUE(paged["IsTruncated"].as_bool());
  EXPECT_EQ(ok("GetPolicy", {{"PolicyArn", arn}})["Policy"].at("AttachmentCount").as_int64(), 3);
  EXPECT_EQ(err("DetachGroupPolicy", {{"GroupName", "g"}, {"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}).message,
            "Policy arn:aws:iam::aws:policy/ReadOnlyAccess was not found.");
  EXPECT_EQ(err("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", "ReadOnlyAccess"}}).code, "ValidationError");
}

TEST_F(IamServiceTest, AttachQuota) {
  ok("CreateUser", {{"UserName", "q"}});
  for (int i = 0; i < 10; ++i) {
    std::string n = "p" + std::to_string(i);
    ok("CreatePolicy", {{"PolicyName", n}, {"PolicyDocument", kAllowS3}});
    ok("AttachUserPolicy", {{"UserName", "q"}, {"PolicyArn", "arn:aws:iam::111111111111:policy/" + n}});
  }
  auto e = err("AttachUserPolicy", {{"UserName", "q"}, {"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}});
  EXPECT_EQ(e.code, "LimitExceeded");
  EXPECT_EQ(e.message, "Cannot exceed quota for PoliciesPerUser: 10");
}

TEST_F(IamServiceTest, InlinePolicies) {
  ok("CreateUser", {{"UserName", "i"}});
  ok("PutUserPolicy", {{"UserName", "i"}, {"PolicyName", "b"}, {"PolicyDocument", kAllowS3}});
  ok("PutUserPolicy", {{"UserName", "i"}, {"PolicyName", "a"}, {"PolicyDocument", kAllowAll}});
  auto names = ok("ListUserPolicies", {{"UserName", "i"}})["PolicyNames"].as_array();
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(str(names[0]), "a");
  auto got = ok("GetUserPolicy", {{"UserName", "i"}, {"PolicyName", "b"}});
  EXPECT_EQ(str(got["UserName"]), "i");
  EXPECT_EQ(url_decode(str(got["PolicyDocument"])), kAllowS3);
  auto missing = err("GetUserPolicy", {{"UserName", "i"}, {"PolicyName", "zz"}});
  EXPECT_EQ(missing.message, "The user policy with name zz cannot be found.");
  EXPECT_EQ(err("PutUserPolicy", {{"UserName", "i"}, {"PolicyName", "x"}, {"PolicyDocument", "{}"}}).code,
            "MalformedPolicyDocument");
  EXPECT_EQ(err("PutUserPolicy", {{"UserName", "nobody"}, {"PolicyName", "x"}, {"PolicyDocument", kAllowS3}}).code,
            "NoSuchEntity");
  auto paged = ok("ListUserPolicies", {{"UserName", "i"}, {"MaxItems", 1}});
  EXPECT_TRUE(paged["IsTruncated"].as_bool());
  EXPECT_EQ(err("DeleteRolePolicy", {{"RoleName", "nope"}, {"PolicyName", "x"}}).message,
            "The role with name nope cannot be found.");
  ok("CreateGroup", {{"GroupName", "gg"}});
  EXPECT_EQ(err("GetGroupPolicy", {{"GroupName", "gg"}, {"PolicyName", "x"}}).message,
            "The group policy with name x cannot be found.");
}

TEST_F(IamServiceTest, PermissionsBoundaries) {
  ok("CreateUser", {{"UserName", "bu"}});
  std::string s3 = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
  ok("PutUserPermissionsBoundary", {{"UserName", "bu"}, {"PermissionsBoundary", s3}});
  auto u = ok("GetUser", {{"UserName", "bu"}})["User"].as_object();
  EXPECT_EQ(str(u.at("PermissionsBoundary").at("PermissionsBoundaryArn")), s3);
  EXPECT_EQ(str(u.at("PermissionsBoundary").at("PermissionsBoundaryType")), "Policy");
  EXPECT_EQ(ok("GetPolicy", {{"PolicyArn", s3}})["Policy"].at("PermissionsBoundaryUsageCount").as_int64(), 1);
  auto ents = ok("ListEntitiesForPolicy", {{"PolicyArn", s3}, {"PolicyUsageFilter", "PermissionsBoundary"}});
  EXPECT_EQ(ents["PolicyUsers"].as_array().size(), 1u);
  ok("DeleteUserPermissionsBoundary", {{"UserName", "bu"}});
  EXPECT_FALSE(ok("GetUser", {{"UserName", "bu"}})["User"].as_object().contains("PermissionsBoundary"));
  EXPECT_EQ(err("PutUserPermissionsBoundary", {{"UserName", "bu"}, {"PermissionsBoundary", "arn:aws:iam::111111111111:policy/x"}}).code,
            "NoSuchEntity");

  ok("CreateRole", {{"RoleName", "br"}, {"AssumeRolePolicyDocument", trust_for("111111111111")},
                    {"PermissionsBoundary", s3}});
  EXPECT_EQ(str(ok("GetRole", {{"RoleName", "br"}})["Role"].at("PermissionsBoundary").at("PermissionsBoundaryArn")), s3);
  ok("DeleteRolePermissionsBoundary", {{"RoleName", "br"}});
  ok("PutRolePermissionsBoundary", {{"RoleName", "br"}, {"PermissionsBoundary", s3}});
}

// ---- IdentityPolicyView, AccountProvisioner ----

TEST_F(IamServiceTest, PoliciesForUserIncludeGroupsBoundaryAndTags) {
  ok("CreateUser", {{"UserName", "pv"}, {"Tags", array{object{{"Key", "team"}, {"Value", "red"}}}}});
  ok("PutUserPolicy", {{"UserName", "pv"}, {"PolicyName", "own"}, {"PolicyDocument", kAllowS3}});
  ok("AttachUserPolicy", {{"UserName", "pv"}, {"PolicyArn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}});
  ok("CreateGroup", {{"GroupName", "pg"}});
  ok("AddUserToGroup", {{"GroupName", "pg"}, {"UserName", "pv"}});
  ok("AttachGroupPolicy", {{"GroupName", "pg"}, {"PolicyArn", "arn:aws:iam::aws:policy/AmazonSQSFullAccess"}});
  ok("PutUserPermissionsBoundary", {{"UserName", "pv"}, {"PermissionsBoundary", "arn:aws:iam::aws:policy/AmazonS3FullAccess"}});
  auto p = iam.policies_for(user_principal(kAccount, "pv"));
  EXPECT_EQ(p.identity.size(), 3u);
  ASSERT_NE(p.permissions_boundary, nullptr);
  ASSERT_EQ(p.principal_tags.size(), 1u);
  EXPECT_EQ(p.principal_tags[0].second, "red");
  // compiled once: the same document gives the same compiled object
  auto again = iam.policies_for(user_principal(kAccount, "pv"));
  EXPECT_EQ(p.identity[0].get(), again.identity[0].get());
  EXPECT_TRUE(iam.policies_for(root_principal(kAccount)).identity.empty());
  // a later write is seen
  ok("DetachUserPolicy", {{"UserName", "pv"}, {"PolicyArn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}});
  EXPECT_EQ(iam.policies_for(user_principal(kAccount, "pv")).identity.size(), 2u);
}

TEST_F(IamServiceTest, PoliciesForRoleSession) {
  ok("CreateRole", {{"RoleName", "sr"}, {"AssumeRolePolicyDocument", trust_for("111111111111")},
                    {"Tags", array{object{{"Key", "a"}, {"Value", "role"}}}}});
  ok("AttachRolePolicy", {{"RoleName", "sr"}, {"PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"}});
  auth::Principal s;
  s.type = auth::PrincipalType::AssumedRole;
  s.account_id = kAccount;
  s.role_name = "sr";
  s.role_arn = "arn:aws:iam::111111111111:role/sr";
  s.session_policies = {kAllowS3, "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::111111111111:policy/gone"};
  s.session_tags = {{"A", "session"}, {"b", "x"}};
  auto p = iam.policies_for(s);
  EXPECT_EQ(p.identity.size(), 1u);
  EXPECT_EQ(p.session.size(), 3u);
  ASSERT_EQ(p.principal_tags.size(), 2u);
  EXPECT_EQ(p.principal_tags[0].second, "session");
}

TEST_F(IamServiceTest, ProvisionMemberAccount) {
  ASSERT_TRUE(iam.provision_member_account("333333333333", "Member", "m@example.com", "OrganizationAccountAccessRole",
                                           kAccount).ok());
  auto acct = identity.get_account("333333333333");
  ASSERT_TRUE(acct);
  EXPECT_EQ(acct->email, "m@example.com");
  auto role = iam.find_role("arn:aws:iam::333333333333:role/OrganizationAccountAccessRole");
  ASSERT_TRUE(role);
  EXPECT_NE(role->trust_policy.find("arn:aws:iam::111111111111:root"), std::string::npos);
  EXPECT_EQ(iam.store().attached("333333333333", kRole, "OrganizationAccountAccessRole"),
            std::vector<std::string>{"arn:aws:iam::aws:policy/AdministratorAccess"});
  // idempotent
  EXPECT_TRUE(iam.provision_member_account("333333333333", "Member", "m@example.com", "OrganizationAccountAccessRole",
                                           kAccount).ok());
  // state is per account: the member's role is not the management account's
  EXPECT_EQ(err("GetRole", {{"RoleName", "OrganizationAccountAccessRole"}}).code, "NoSuchEntity");
}

TEST_F(IamServiceTest, AuthzTargets) {
  ok("CreateUser", {{"UserName", "az"}, {"Path", "/p/"}});
  CallContext ctx{admin, "r", "us-east-1", "", true};
  auto t = iam.authz_target("DeleteUser", object{{"UserName", "az"}}, ctx);
  EXPECT_EQ(t.action, "iam:DeleteUser");
  EXPECT_EQ(t.resource, "arn:aws:iam::111111111111:user/p/az");
  auto root = root_principal(kAccount);
  CallContext rctx{root, "r", "us-east-1", "", true};
  EXPECT_EQ(iam.authz_target("GetUser", object{}, rctx).resource, "arn:aws:iam::111111111111:root");
}

TEST(UrlEncodeDocument, EncodesLikeIam) {
  EXPECT_EQ(url_encode_document(R"({"a": "b*"})"), "%7B%22a%22%3A%20%22b%2A%22%7D");
}

}  // namespace
}  // namespace orgroot::services::iam
