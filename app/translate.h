#pragma once
// `metrogw translate`: one message or document in a dialect -> canonical JSON on stdout.

namespace metrogw::app {

// argv[0] is "translate". Returns the exit code: 0 translated, 1 bad input (one-line error on
// stderr naming the position), 2 usage error.
[[nodiscard]] int runTranslate(int argc, char** argv);

}  // namespace metrogw::app
