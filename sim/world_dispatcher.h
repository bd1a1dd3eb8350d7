// The Dispatcher over a simulated world and its booking state.
#pragma once

#include <memory>

#include "sim/booking_book.h"
#include "sim/dispatcher.h"
#include "sim/world.h"

namespace metrogw::sim {

// `world` and `book` must outlive the dispatcher.
[[nodiscard]] std::unique_ptr<Dispatcher> makeWorldDispatcher(const World& world, BookingBook& book);

}  // namespace metrogw::sim
