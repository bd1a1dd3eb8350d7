#include "adapters/hl7v2/mllp.h"

namespace metrogw::adapters::hl7v2 {

std::string mllpFrame(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 3);
  out += kMllpStart;
  out.append(message);
  out += kMllpEnd;
  out += kMllpTrailer;
  return out;
}

void MllpDecoder::reset() {
  state_ = State::kBetween;
  frame_.clear();
  offset_ = 0;
}

Status MllpDecoder::fail(Status status) {
  state_ = State::kFailed;
  frame_.clear();
  return status;
}

Status MllpDecoder::feed(std::string_view bytes, std::vector<std::string>& out) {
  if (state_ == State::kFailed)
    return Status::malformedMessage("mllp+" + std::to_string(offset_) + ": decoder failed earlier");
  size_t i = 0;
  while (i < bytes.size()) {
    switch (state_) {
      case State::kBetween:
        if (bytes[i] != kMllpStart) {
          return fail(
              Status::malformedMessage("mllp+" + std::to_string(offset_ + i) + ": data before start block"));
        }
        state_ = State::kInFrame;
        ++i;
        break;
      case State::kInFrame: {
        const size_t end = bytes.find(kMllpEnd, i);
        const size_t take = (end == std::string_view::npos ? bytes.size() : end) - i;
        if (frame_.size() + take > max_frame_) {
          return fail(Status::resourceExhausted("mllp+" + std::to_string(offset_ + i) + ": frame exceeds " +
                                                std::to_string(max_frame_) + " bytes"));
        }
        frame_.append(bytes.substr(i, take));
        i += take;
        if (end != std::string_view::npos) {
          state_ = State::kAfterEnd;
          ++i;
        }
        break;
      }
      case State::kAfterEnd:
        if (bytes[i] != kMllpTrailer) {
          return fail(
              Status::malformedMessage("mllp+" + std::to_string(offset_ + i) + ": end block without CR"));
        }
        out.push_back(std::move(frame_));
        frame_.clear();
        state_ = State::kBetween;
        ++i;
        break;
      case State::kFailed: return Status::malformedMessage("mllp: decoder failed earlier");
    }
  }
  offset_ += bytes.size();
  return Status::ok();
}

}  // namespace metrogw::adapters::hl7v2
