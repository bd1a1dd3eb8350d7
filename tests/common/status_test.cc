// Tests for Status, StatusOr and RETURN_IF_ERROR.
#include "common/status.h"

#include <gtest/gtest.h>

namespace metrogw {
namespace {

Status failIfNegative(int v) { return v < 0 ? Status::invalidArgument("negative") : Status::ok(); }

Status chain(int v) {
  RETURN_IF_ERROR(failIfNegative(v));
  return Status::notFound("reached end");
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::ok().isOk());
  const Status s = Status::upstreamTimeout("5s");
  EXPECT_FALSE(s.isOk());
  EXPECT_EQ(s.code(), StatusCode::kUpstreamTimeout);
  EXPECT_EQ(s.toString(), "upstreamTimeout: 5s");
}

TEST(StatusTest, ReturnIfErrorShortCircuits) {
  EXPECT_EQ(chain(-1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(chain(1).code(), StatusCode::kNotFound);
}

TEST(StatusOrTest, HoldsValueOrStatus) {
  StatusOr<int> v(42);
  ASSERT_TRUE(v.isOk());
  EXPECT_EQ(*v, 42);
  StatusOr<int> e(Status::malformedMessage("bad"));
  EXPECT_FALSE(e.isOk());
  EXPECT_EQ(e.status().message(), "bad");
}

}  // namespace
}  // namespace metrogw
