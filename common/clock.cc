// The process-wide real clock.
#include "common/clock.h"

namespace metrogw {
RealTimeSource& RealTimeSource::instance() {
  static RealTimeSource source;
  return source;
}
}  // namespace metrogw
