// GET /v1/referrals?hospital=&status=&cursor=&limit= (`referral-list`): the referrals a hospital of
// this city received, oldest first, as appointments with their referral (status, events,
// back-referral), so that the receiving side sees what to accept, reject, complete or refer back.
// On the node owning the hospital's pool only; booking:admin callers name the hospital, a
// booking:hospital partner gets its own. status: requested | accepted | rejected | completed;
// limit 1-200 (default 50); cursor: the previous page's next_cursor.
#pragma once

#include <memory>

#include "booking/service.h"

namespace metrogw::booking {

[[nodiscard]] std::unique_ptr<gateway::LocalHandler> makeReferralListHandler(
    std::shared_ptr<Service> service);

}  // namespace metrogw::booking
