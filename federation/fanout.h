// One request to several cities in parallel under one deadline. Answers are merged into one
// SearchResult; a city that failed or did not answer in time is listed in `incomplete` (city and
// reason) instead of failing the whole request.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/event_loop.h"
#include "federation/platform.h"

namespace metrogw::federation {

// Asks one city; must call its callback exactly once (later or at once).
using CityCall = std::function<void(const std::string& city, EnvelopeCallback done)>;
using MergedCallback = std::function<void(model::SearchResultT merged)>;

// Calls `call` for every city, then `done` once: when all answered or at the deadline, whichever
// comes first. Runs on `dispatcher`'s thread.
void fanOut(Dispatcher& dispatcher, const std::vector<std::string>& cities,
            std::chrono::milliseconds deadline, const CityCall& call, MergedCallback done);

// Merge step, exposed for tests: adds one city's answer (or failure) to `merged`.
void mergeAnswer(const std::string& city, StatusOr<model::EnvelopeT> answer, model::SearchResultT& merged);

// Orders merged results: slots by start time then id, organisations by city then name.
void sortMerged(model::SearchResultT& merged);

}  // namespace metrogw::federation
